// Calendar arithmetic in a named time zone (the user's, not the browser's): the wall-clock
// parts of an instant there, and the instant of a wall-clock time there.

const partsCache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      f = new Intl.DateTimeFormat('en-US', { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    }
    partsCache.set(tz, f);
  }
  return f;
}

export interface Wall {
  y: number;
  m: number; // 1..12
  d: number;
  h: number;
  min: number;
}

export function wallIn(date: Date, tz: string): Wall {
  const p: Record<string, number> = {};
  for (const x of fmt(tz).formatToParts(date)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour % 24, min: p.minute };
}

/** The instant when the clock in `tz` shows y-m-d h:min. */
export function instantIn(y: number, m: number, d: number, h: number, min: number, tz: string): Date {
  const want = Date.UTC(y, m - 1, d, h, min);
  let guess = want;
  for (let i = 0; i < 3; i++) {
    const w = wallIn(new Date(guess), tz);
    const shown = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min);
    if (shown === want) break;
    guess += want - shown;
  }
  return new Date(guess);
}

/** Midnight of the Monday of the week containing `date` (offset by `weeks`), in `tz`. */
export function weekStart(date: Date, tz: string, weeks = 0): Date {
  const w = wallIn(date, tz);
  const noon = new Date(Date.UTC(w.y, w.m - 1, w.d, 12));
  const wd = (noon.getUTCDay() + 6) % 7; // Monday = 0
  noon.setUTCDate(noon.getUTCDate() - wd + weeks * 7);
  return instantIn(noon.getUTCFullYear(), noon.getUTCMonth() + 1, noon.getUTCDate(), 0, 0, tz);
}

/** The seven days of the week starting at `monday`: each day's start instant in `tz`. */
export function weekDays(monday: Date, tz: string): Date[] {
  const w = wallIn(monday, tz);
  return Array.from({ length: 8 }, (_, i) => {
    const n = new Date(Date.UTC(w.y, w.m - 1, w.d + i, 12));
    return instantIn(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate(), 0, 0, tz);
  });
}
