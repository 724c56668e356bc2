#!/usr/bin/env node
// Board load benchmark (a script, not a test): a server on a seeded temp database
// (`voronka seed-demo --leads 1500`, about 1 000 open deals, all visible to the head of
// sales), /board opened in headless Debian Chromium via playwright-core, 5 cold runs (a fresh
// browser context each), printing min/median of
//   first card   — the first deal card is on screen,
//   ready        — every column shows its count and sum, all pages have arrived (the summary
//                  has no "loading more") and a card takes focus,
// plus the gzip size of the built JS bundle.
//
//   node bench/board/run.mjs [--runs 5] [--leads 1500]
// Needs build/debug/src/voronka (or $VORONKA_BINARY), web/dist (`make web`; or $VORONKA_WEB_DIST),
// /usr/bin/chromium.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEB_DIST = process.env.VORONKA_WEB_DIST || join(ROOT, 'web', 'dist');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 5);
const LEADS = arg('leads', 1500);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const binary = process.env.VORONKA_BINARY || join(ROOT, 'build', 'debug', 'src', 'voronka');
if (!existsSync(binary)) throw new Error(`no server binary at ${binary}; set VORONKA_BINARY`);
if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('no web/dist: run `make web`');
const { chromium } = createRequire(join(ROOT, 'web', 'package.json'))('playwright-core');

// The bundle: every JS file under dist/assets, gzipped at level 9.
const assets = join(WEB_DIST, 'assets');
let jsRaw = 0;
let jsGzip = 0;
for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
  const buf = readFileSync(join(assets, f));
  jsRaw += buf.length;
  jsGzip += gzipSync(buf, { level: 9 }).length;
}

const dir = mkdtempSync(join(tmpdir(), 'voronka-bench-'));
const db = join(dir, 'voronka.db');
let proc;
let browser;
try {
  let t0 = Date.now();
  const seeded = spawnSync(binary, ['--log-level', 'warn', 'seed-demo', '--db', db, '--leads', String(LEADS)], { encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seed-demo failed: ${seeded.stderr || seeded.stdout}`);
  console.log(`seeded ${LEADS} leads in ${((Date.now() - t0) / 1000).toFixed(1)} s (${binary})`);
  const portFile = join(dir, 'port');
  proc = spawn(binary, ['--log-level', 'warn', 'serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--web', WEB_DIST], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let port = '';
  for (let i = 0; i < 300 && !port; i++) {
    if (existsSync(portFile)) port = readFileSync(portFile, 'utf8').trim();
    if (!port) await sleep(50);
  }
  if (!port) throw new Error('server did not start');
  const url = `http://127.0.0.1:${port}`;

  browser = await chromium.launch({
    executablePath: process.env.VORONKA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  const results = [];
  for (let run = 1; run <= RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    const login = await context.request.post(`${url}/api/auth/login`, { data: { email: 'head@demo.voronka.ru', password: 'demo-pass' } });
    if (!login.ok()) throw new Error(`login: ${login.status()} ${await login.text()}`);
    const page = await context.newPage();
    let requests = 0;
    page.on('request', (r) => /\/api\/(deals|board|companies|tasks)/.test(r.url()) && requests++);
    await page.goto(`${url}/board`, { waitUntil: 'commit' });
    // Times are performance.now() in the page: milliseconds since the navigation started.
    const firstCard = await page.waitForFunction(() => document.querySelector('.column-cards .card-item') && performance.now(), null, { polling: 'raf', timeout: 120_000 });
    const ready = await page.waitForFunction(
      () => {
        const summary = document.querySelector('[data-testid="board-summary"]');
        if (!summary || summary.querySelector('.muted')) return false;
        const cols = [...document.querySelectorAll('.board .column')];
        if (!cols.length || cols.some((c) => !c.querySelector('.column-count')?.textContent || !c.querySelector('.column-sum')?.textContent)) return false;
        const card = document.querySelector('.column-cards .card-item a, .column-cards .card-item [tabindex="0"], .column-cards .card-item button');
        if (!card) return false;
        card.focus();
        if (document.activeElement !== card) return false;
        return { at: performance.now(), columns: cols.length, cards: cols.reduce((n, c) => n + Number(c.querySelector('.column-count').textContent), 0), summary: summary.textContent };
      },
      null,
      { polling: 'raf', timeout: 120_000 },
    );
    const r = { first: await firstCard.jsonValue(), ...(await ready.jsonValue()), requests };
    results.push(r);
    console.log(`run ${run}: first card ${r.first.toFixed(0)} ms, ready ${r.at.toFixed(0)} ms (${r.columns} columns, ${r.cards} cards, ${r.requests} data requests; ${r.summary.trim()})`);
    await context.close();
  }
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `min ${s[0].toFixed(0)} ms, median ${s[Math.floor(s.length / 2)].toFixed(0)} ms`;
  };
  console.log(`first card: ${stat(results.map((r) => r.first))}`);
  console.log(`ready:      ${stat(results.map((r) => r.at))}`);
  console.log(`JS bundle: ${(jsRaw / 1024).toFixed(1)} KB, gzip -9 ${(jsGzip / 1024).toFixed(1)} KB`);
} finally {
  await browser?.close();
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    for (let i = 0; i < 100 && proc.exitCode === null; i++) await sleep(50);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
