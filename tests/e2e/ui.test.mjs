// End-to-end: a manager's day in the browser against a real server on demo data, with the
// department's process ("it_studio") running on every card.
// Log in → take a phone lead (it lands in screening with its screening task) → drag it to
// scoring on the board (a stale move and a move the process refuses snap back) → score it on
// the card (all +1: segment A, the card goes to interview preparation, the head is asked to
// form the working group) → log a call → a site-form lead in "getting the contact": tick its
// checklist and move it on from the card → mark it lost as "postponed" with a follow-up
// date → complete the follow-up task on the desktop → the head sees the notification →
// English → keyboard moves and the lost-reason dialog on the board.
//
// Screenshots (board, card, desktop at 1280×800) go to $VORONKA_SCREENSHOTS when set
// (`make screenshots` points it at docs/screenshots).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, startServer } from './support.mjs';

const SHOTS = process.env.VORONKA_SCREENSHOTS || '';
// Each run has a fresh database, so plain realistic names are unique enough.
const LEAD_NAME = 'Пётр Васнецов';
const COMPANY = 'ООО «Северная верфь»';
const SITE_LEAD = 'Анна Лебедева';
const NEXT_STEP = 'Отправить вопросы к интервью аналитику';
const FOLLOW_UP = 'Вернуться к отложенному проекту';

describe('web UI: a manager works leads through the process', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let context;
  let page;
  let dealId;
  let siteDealId;
  const pageErrors = [];

  const shot = async (name, p = page) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await p.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    for (const close of await p.locator('.toast-close').all()) await close.click().catch(() => {});
    await p.mouse.move(0, 799);
    await p.waitForTimeout(300);
    await p.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  // The steps build on each other: after a failure the rest fail at once instead of each
  // waiting for its own timeout.
  let broken = '';
  const step = (name, fn) =>
    it(name, async () => {
      if (broken) throw new Error(`not run: "${broken}" failed`);
      try {
        await fn();
      } catch (e) {
        broken = name;
        throw e;
      }
    });

  /** A call to the API with the page's session cookie. */
  const api = (path, method = 'GET', body, p = page) =>
    p.evaluate(
      async ({ path, method, body }) => {
        const r = await fetch(path, {
          method,
          headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: r.status, body: await r.json() };
      },
      { path, method, body },
    );
  const apiGet = (path) => api(path);

  /** datetime-local text for a moment `minutes` from now, in the browser's zone. */
  const inMinutes = (minutes) =>
    page.evaluate((m) => {
      const d = new Date(Date.now() + m * 60_000);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    }, minutes);

  const isMove = (id) => (r) => r.url().endsWith(`/api/deals/${id}/move`) && r.request().method() === 'POST';

  const login = async (p, email) => {
    await p.goto(server.url + '/');
    await p.getByLabel('Электронная почта').fill(email);
    await p.getByLabel('Пароль').fill('demo-pass');
    await p.getByRole('button', { name: 'Войти' }).click();
    await p.getByRole('heading', { level: 1, name: 'Рабочий стол' }).waitFor();
  };

  const waitBoardLoaded = () => page.waitForFunction(() => !document.querySelector('[data-testid="board-summary"] .muted'));

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('logs in as a manager and lands on the desktop', async () => {
    await login(page, 'alexey@demo.voronka.ru');
    const user = page.getByTestId('current-user');
    assert.match(await user.innerText(), /Алексей Смирнов/);
    assert.match(await user.innerText(), /Менеджер/);
    // The demo manager has work waiting: the three groups are drawn; the bell is in the header.
    await page.getByTestId('tasks-overdue').waitFor();
    await page.getByTestId('tasks-today').waitFor();
    await page.getByTestId('tasks-upcoming').waitFor();
    await page.getByTestId('bell').waitFor();
  });

  step('creates a lead as a phone call: it lands in screening with the screening task', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Новый лид' }).click();
    await page.getByRole('heading', { level: 1, name: 'Новый лид' }).waitFor();
    // Submitting with neither phone nor e-mail is refused next to the field.
    await page.getByRole('button', { name: 'Создать лид' }).click();
    await page.getByText('Нужен телефон или почта').waitFor();
    // The server's own validation message is shown next to the phone field.
    await page.getByRole('textbox', { name: 'Телефон' }).fill('12');
    await page.getByRole('button', { name: 'Создать лид' }).click();
    await page.locator('#lead-phone-error').waitFor();
    assert.equal(await page.locator('#lead-phone-error').innerText(), 'Номер «12» набран неверно');

    await page.getByLabel('Имя клиента').fill(LEAD_NAME);
    await page.getByRole('textbox', { name: 'Телефон' }).fill('+7 916 555-12-34');
    await page.getByLabel('Компания').fill(COMPANY);
    await page.getByLabel('Что нужно').fill('Интернет-магазин');
    await page.getByLabel('Ориентировочный бюджет, ₽').fill('2 500 000');
    await page.getByLabel('Суть запроса').fill('Нужен магазин на 1С-Битрикс, запуск к весне');
    await page.getByRole('button', { name: 'Создать лид' }).click();
    await page.waitForURL(/\/deals\/\d+$/);
    dealId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1, name: `Звонок: ${LEAD_NAME}` }).waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'screening');
    assert.equal(body.amount, 250_000_000);
    assert.equal(body.channel, 'phone');
    const tasks = await apiGet(`/api/tasks?deal_id=${dealId}`);
    assert.ok(tasks.body.items.some((x) => x.kind === 'screening_call' && !x.done), 'the process created the screening task');

    // The process panel tells where the card is, what for, and the script of the step.
    const panel = page.getByTestId('process-panel');
    await panel.getByRole('heading', { name: 'Отсев' }).waitFor();
    await panel.getByText('Решить, может ли и хочет ли студия взять проект').waitFor();
    await panel.getByText('Проверить жёсткие критерии отсева').waitFor();
    await panel.getByRole('button', { name: 'Скоринг' }).waitFor();
    await page.getByTestId('deal-tasks').getByText('Провести первичный брифинг и отсев').waitFor();
  });

  step('drags the lead to scoring on the board', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Воронка продаж' }).click();
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
    const card = page.locator(`.column[data-stage="screening"] .card[data-id="${dealId}"]`);
    await card.waitFor();
    assert.match(await card.innerText(), /2\s500\s000\s₽/);
    await card.getByText(COMPANY).waitFor();
    // Totals per column are shown; every column of the pipeline is there.
    assert.equal(await page.locator('.column').count(), 11);
    await waitBoardLoaded();
    await shot('board');

    const saved = page.waitForResponse(isMove(dealId));
    await dragTo(card, page.locator('.column[data-stage="scoring"]'));
    const res = await saved;
    assert.equal(res.status(), 200);
    assert.deepEqual(JSON.parse(res.request().postData()).to, 'scoring');
    await page.locator(`.column[data-stage="scoring"] .card[data-id="${dealId}"]`).waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'scoring');
  });

  step('snaps a card back when its copy is stale (409)', async () => {
    // Someone else changes the deal: the board's copy is now stale, so the move gets 409.
    const { body: before } = await apiGet(`/api/deals/${dealId}`);
    const { status } = await api(`/api/deals/${dealId}`, 'PATCH', { version: before.version, description: 'changed elsewhere' });
    assert.equal(status, 200);
    const card = page.locator(`.card[data-id="${dealId}"]`);
    const refused = page.waitForResponse(isMove(dealId));
    await dragTo(card, page.locator('.column[data-stage="interview_prep"]'));
    assert.equal((await refused).status(), 409);
    await page.locator(`.column[data-stage="scoring"] .card[data-id="${dealId}"]`).waitFor();
    assert.equal(await page.locator(`.column[data-stage="interview_prep"] .card[data-id="${dealId}"]`).count(), 0);
    await page.locator('.toast-error').first().waitFor();
    assert.match(await page.locator('.toast-error').first().innerText(), /Не удалось перенести/);
    for (const close of await page.locator('.toast-close').all()) await close.click().catch(() => {});
  });

  step('refuses a move the process does not allow yet, naming what is missing, and links to the card', async () => {
    const card = page.locator(`.card[data-id="${dealId}"]`);
    const refused = page.waitForResponse(isMove(dealId));
    await dragTo(card, page.locator('.column[data-stage="interview_prep"]'));
    const res = await refused;
    assert.equal(res.status(), 422);
    // The card snaps back to scoring.
    await page.locator(`.column[data-stage="scoring"] .card[data-id="${dealId}"]`).waitFor();
    assert.equal(await page.locator(`.column[data-stage="interview_prep"] .card[data-id="${dealId}"]`).count(), 0);
    const toast = page.locator('.toast-error').filter({ hasText: 'не завершён' });
    await toast.waitFor();
    const text = await toast.innerText();
    assert.match(text, /Этап «Скоринг» не завершён/);
    assert.match(text, /Скоринг, Сегмент/);
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'scoring');
    // The message links to the card, where the missing items are filled in.
    await toast.getByRole('link', { name: 'Открыть карточку' }).click();
    await page.waitForURL(new RegExp(`/deals/${dealId}$`));
    await page.getByRole('heading', { level: 1, name: `Звонок: ${LEAD_NAME}` }).waitFor();
  });

  step('scores the lead on the card: live total and segment, then the process routes it (A)', async () => {
    const panel = page.getByTestId('process-panel');
    await panel.getByRole('heading', { name: 'Скоринг' }).waitFor();
    await panel.getByText('не заполнено').first().waitFor();
    const form = page.getByTestId('scoring');
    await form.getByRole('heading', { name: 'Скоринг лида' }).waitFor();
    // Every parameter is a −1/0/+1 group; choosing shows the hint of the value.
    const plus = form.locator('input[type="radio"][value="1"]');
    assert.equal(await plus.count(), 15);
    const total = form.getByTestId('scoring-total');
    await form.locator('[data-param="budget"] input[value="-1"]').check();
    assert.match(await total.innerText(), /−1/);
    await form.getByText('Бюджет на грани минимума, торг за каждую позицию.').waitFor();
    // Submitting half-filled is stopped with the parameters left.
    await form.getByRole('button', { name: 'Сохранить скоринг' }).click();
    await form.getByText(/Оцените все параметры, осталось 14/).waitFor();
    for (const r of await plus.all()) await r.check();
    await form.getByText('Бюджет выше среднего чека или готовы платить за результат.').waitFor();
    const live = await total.innerText();
    assert.match(live, /\+15/);
    assert.match(live, /ВИП \(A\)/);
    assert.match(live, /оценено 15 из 15/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('card');

    const scored = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${dealId}/score`));
    await form.getByRole('button', { name: 'Сохранить скоринг' }).click();
    assert.equal((await scored).status(), 200);
    const result = page.getByTestId('scoring-result');
    await result.getByText('Итог: +15, сегмент ВИП (A)').waitFor();
    await result.getByText(/Рабочая группа: нужны аналитик, маркетолог, тимлид/).waitFor();
    await panel.getByRole('heading', { name: 'Подготовка к интервью' }).waitFor();
    await page.getByTestId('deal-tasks').getByText('Подготовить вопросы к глубинному интервью').waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'interview_prep');
    assert.equal(body.score, 15);
    assert.equal(body.segment, 'A');
    // The timeline tells the process steps.
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Перевод на этап «Скоринг»').waitFor();
    await timeline.getByText('Этап: «Скоринг» → «Подготовка к интервью»').waitFor();
    // The working group: the responsible manager; a member can be added.
    const members = page.getByTestId('members');
    await members.getByText('Алексей Смирнов').waitFor();
    await members.getByLabel('Добавить в рабочую группу').selectOption({ label: 'Мария Кузнецова' });
    await members.getByRole('button', { name: 'Добавить', exact: true }).click();
    await members.getByRole('button', { name: 'Убрать из группы: Мария Кузнецова' }).waitFor();
    const { body: users } = await apiGet('/api/users?limit=200');
    const maria = users.items.find((u) => u.name === 'Мария Кузнецова');
    const { body: withMember } = await apiGet(`/api/deals/${dealId}`);
    assert.deepEqual(withMember.members, [maria.id]);
  });

  step('logs a call with its goal, outcome and next step; shows field errors from the server', async () => {
    // A call without a goal is not logged.
    await page.getByRole('button', { name: 'Записать', exact: true }).click();
    await page.getByText('Укажите цель').waitFor();

    await page.getByLabel('Цель').fill('Договориться о глубинном интервью');
    await page.getByLabel('Результат').fill('Бюджет подтверждён, сроки — до марта');
    await page.getByLabel('Следующий шаг', { exact: true }).fill(NEXT_STEP);
    await page.getByLabel('Дата следующего шага').fill(await inMinutes(120));
    await page.getByLabel('Длительность, мин').fill('12');
    await page.getByRole('button', { name: 'Записать', exact: true }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Договориться о глубинном интервью').waitFor();
    await timeline.getByText(NEXT_STEP).waitFor();
    await page.getByTestId('deal-tasks').getByText(NEXT_STEP).waitFor();

    // A server validation message appears next to the field it concerns.
    await page.locator('#deal-title').fill('');
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await page.locator('#deal-title-error').waitFor();
    assert.equal(await page.locator('#deal-title-error').innerText(), 'Поле не может быть пустым');
    await page.locator('#deal-title').fill(`Интернет-магазин: ${LEAD_NAME}`);
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await page.getByText('Изменения сохранены').waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.title, `Интернет-магазин: ${LEAD_NAME}`);
  });

  step('a site-form lead starts at getting the contact; the checklist lets it move on from the card', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Новый лид' }).click();
    await page.getByRole('heading', { level: 1, name: 'Новый лид' }).waitFor();
    await page.getByLabel('Форма на сайте').check();
    await page.getByLabel('Имя клиента').fill(SITE_LEAD);
    await page.getByLabel('Электронная почта').fill('anna.lebedeva@example.ru');
    await page.getByLabel('Что нужно').fill('Корпоративный сайт');
    await page.getByRole('button', { name: 'Создать лид' }).click();
    await page.waitForURL(/\/deals\/\d+$/);
    siteDealId = Number(new URL(page.url()).pathname.split('/').pop());
    const panel = page.getByTestId('process-panel');
    await panel.getByRole('heading', { name: 'Получение контакта' }).waitFor();
    assert.equal((await apiGet(`/api/deals/${siteDealId}`)).body.stage, 'contact');
    await page.getByTestId('deal-tasks').getByText('Узнать телефон, часовой пояс и удобное время звонка').waitFor();
    // Pending deadlines are listed in local time.
    await panel.getByRole('heading', { name: 'Сроки' }).waitFor();

    // Moving on before the checklist is done is refused; the missing items are named.
    await panel.getByRole('button', { name: 'Отсев' }).click();
    const refusal = panel.getByRole('alert');
    await refusal.getByText(/Этап «Получение контакта» не завершён/).waitFor();
    await refusal.getByText('Телефон получен').waitFor();
    await refusal.getByText('Время звонка согласовано').waitFor();
    for (const item of ['Телефон получен', 'Часовой пояс известен', 'Время звонка согласовано']) {
      const ticked = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${siteDealId}/check`));
      await panel.getByLabel(item).check();
      assert.equal((await ticked).status(), 200);
    }
    const { body: proc } = await apiGet(`/api/deals/${siteDealId}/process`);
    assert.deepEqual([...proc.checked].sort(), ['call_time', 'phone', 'time_zone']);
    const moved = page.waitForResponse(isMove(siteDealId));
    await panel.getByRole('button', { name: 'Отсев' }).click();
    assert.equal((await moved).status(), 200);
    await panel.getByRole('heading', { name: 'Отсев' }).waitFor();
    assert.equal((await apiGet(`/api/deals/${siteDealId}`)).body.stage, 'screening');
  });

  step('marks the lead lost as postponed with a follow-up date; the follow-up task appears', async () => {
    const panel = page.getByTestId('process-panel');
    await panel.getByRole('button', { name: 'Проиграна…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Причина проигрыша' });
    await dialog.waitFor();
    await dialog.getByLabel('Проект отложен').check();
    // The reason needs the follow-up date.
    await dialog.getByRole('button', { name: 'Записать причину' }).click();
    await dialog.getByText('Обязательное поле').waitFor();
    const when = await inMinutes(90);
    await dialog.getByLabel('Когда вернуться к клиенту').fill(when);
    const lost = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${siteDealId}/lost`));
    await dialog.getByRole('button', { name: 'Записать причину' }).click();
    assert.equal((await lost).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await panel.getByText('Сделка закрыта как проигранная: Проект отложен').waitFor();
    await page.getByTestId('deal-tasks').getByText(new RegExp(FOLLOW_UP)).waitFor();
    const { body } = await apiGet(`/api/deals/${siteDealId}`);
    assert.equal(body.status, 'lost');
    assert.equal(body.lost_reason, 'postponed');
    const tasks = (await apiGet(`/api/tasks?deal_id=${siteDealId}`)).body.items;
    const follow = tasks.find((x) => x.kind === 'follow_up_postponed');
    assert.ok(follow, 'the follow-up task exists');
    const due = await page.evaluate((v) => new Date(v).toISOString(), when);
    assert.equal(follow.due_at.replace('.000', ''), due.replace('.000', ''));
  });

  step('shows the follow-up task on the desktop and completes it', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Рабочий стол' }).click();
    await page.getByRole('heading', { level: 1, name: 'Рабочий стол' }).waitFor();
    const row = page.locator('.desk-task', { hasText: FOLLOW_UP });
    await row.waitFor();
    // The task links to its card.
    assert.equal(await row.getByRole('link').getAttribute('href'), `/deals/${siteDealId}`);
    await page.locator('.desk-task', { hasText: NEXT_STEP }).waitFor();
    await page.locator('.desk-task-deal').first().waitFor();
    await shot('desktop');
    const taskId = Number(await row.getAttribute('data-task-id'));
    const title = await row.locator('.desk-task-title').innerText();
    await row.getByRole('button', { name: `Отметить задачу «${title}» выполненной` }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText(`Задача «${title}» выполнена`).waitFor();
    const { body } = await apiGet(`/api/tasks/${taskId}`);
    assert.equal(body.done, true);
  });

  step('shows the week calendar with a task made in the test; the subscribe box gives a working feed URL', async () => {
    const me = (await apiGet('/api/auth/me')).body.user;
    // Wednesday 12:00 of this week in the user's zone (in the past or not, it is this week's).
    const due = await page.evaluate((tz) => {
      const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' });
      const p = Object.fromEntries(f.formatToParts(new Date()).map((x) => [x.type, Number(x.value)]));
      const noon = new Date(Date.UTC(p.year, p.month - 1, p.day, 12));
      noon.setUTCDate(noon.getUTCDate() - ((noon.getUTCDay() + 6) % 7) + 2);
      // 12:00 wall time in tz: shift the UTC guess by the zone's offset at that moment.
      const w = Object.fromEntries(f.formatToParts(noon).map((x) => [x.type, Number(x.value)]));
      const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour);
      return new Date(+noon - (shown - +noon)).toISOString();
    }, me.time_zone);
    const WEEK_TASK = 'Созвон с техническим директором Ладоги';
    const created = await api('/api/tasks', 'POST', { title: WEEK_TASK, due_at: due, deal_id: dealId, assignee_id: me.id });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await page.getByRole('button', { name: 'Неделя', exact: true }).click();
    const week = page.getByTestId('week');
    const item = week.getByTestId('week-item').filter({ hasText: WEEK_TASK });
    await item.waitFor();
    assert.equal(await item.getByRole('link').getAttribute('href'), `/deals/${dealId}`);
    assert.match(await item.locator('time').innerText(), /^12:00$/);
    // The next step of the call logged earlier is on the calendar too (if it falls in this week).
    await week.getByRole('columnheader').nth(7).waitFor();
    // Next week is empty of it; back to this week shows it again.
    await week.getByRole('button', { name: 'Следующая неделя' }).click();
    await item.waitFor({ state: 'detached' });
    await week.getByRole('button', { name: 'Эта неделя' }).click();
    await item.waitFor();
    await shot('desktop-week');

    const box = page.getByTestId('calendar-subscribe');
    const token = page.waitForResponse((r) => r.url().endsWith('/api/tokens') && r.request().method() === 'POST');
    await box.getByRole('button', { name: 'Получить ссылку для подписки' }).click();
    assert.equal((await token).status(), 201);
    const url = await box.getByTestId('calendar-url').inputValue();
    assert.match(url, new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/api/calendar\\.ics\\?token=`));
    await box.getByText(/Ссылка показывается один раз/).waitFor();
    // The feed works without the session (as a calendar app fetches it).
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/calendar/);
    const ics = await res.text();
    assert.match(ics, /BEGIN:VCALENDAR/);
    assert.match(ics.replace(/\r?\n[ \t]/g, ""), new RegExp(WEEK_TASK));
    await page.getByRole('button', { name: 'Список', exact: true }).click();
    await page.getByTestId('tasks-overdue').waitFor();
  });

  step('the head sees the deviations and the notification about the working group, and opens the card from it', async () => {
    const headContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    try {
      const head = await headContext.newPage();
      head.setDefaultTimeout(15_000);
      head.on('pageerror', (e) => pageErrors.push(`head: ${e.message}`));
      await login(head, 'head@demo.voronka.ru');
      // The head's desktop has the deviations from the process (missed checkpoints).
      await head.getByTestId('deviations').getByRole('heading', { name: /Отклонения от процесса/ }).waitFor();
      const count = head.getByTestId('bell-count');
      await count.waitFor();
      const before = (await api('/api/notifications?unread=true', 'GET', undefined, head)).body.unread;
      assert.ok(before >= 1, `unread count ${before}`);
      assert.equal(await count.innerText(), before > 99 ? '99+' : String(before));
      await head.getByTestId('bell').click();
      const list = head.getByRole('region', { name: 'Уведомления' });
      const item = list.locator(`a[href="/deals/${dealId}"]`, { hasText: 'Сформируйте рабочую группу' }).first();
      await item.waitFor();
      const read = head.waitForResponse((r) => /\/api\/notifications\/\d+\/read$/.test(r.url()));
      await item.click();
      assert.equal((await read).status(), 200);
      await head.waitForURL(new RegExp(`/deals/${dealId}$`));
      await head.getByRole('heading', { level: 1, name: `Интернет-магазин: ${LEAD_NAME}` }).waitFor();
      const { body } = await api('/api/notifications?unread=true', 'GET', undefined, head);
      assert.equal(body.unread, before - 1);
      if (before - 1 > 0) await head.waitForFunction((n) => document.querySelector('[data-testid="bell-count"]')?.textContent === n, before - 1 > 99 ? '99+' : String(before - 1));
      else await count.waitFor({ state: 'detached' });

      // Live: the bell listens to the server-sent events stream. The manager scores another
      // lead as segment A (the head is asked for its working group): the head's count goes up
      // without a reload, with no poll in between.
      const polls = [];
      head.on('request', (r) => /\/api\/notifications\?unread=true/.test(r.url()) && polls.push(r.url()));
      const intake = await api('/api/intake', 'POST', { channel: 'phone', name: 'Ирина Белова', phone: '+7 921 555-01-02', company: 'ООО «Ладога»' });
      assert.ok(intake.status === 200 || intake.status === 201, JSON.stringify(intake.body));
      const model = (await apiGet('/api/scoring/model')).body;
      const values = Object.fromEntries(model.blocks.flatMap((b) => b.parameters.map((x) => [x.code, 1])));
      const knockouts = Object.fromEntries(model.knockouts.map((k) => [k.code, false]));
      const scored = await api(`/api/deals/${intake.body.deal.id}/score`, 'POST', { knockouts, values, version: intake.body.deal.version });
      assert.equal(scored.status, 200, JSON.stringify(scored.body));
      await head.waitForFunction((n) => document.querySelector('[data-testid="bell-count"]')?.textContent === n, before > 99 ? '99+' : String(before));
      assert.deepEqual(polls, []);
    } finally {
      await headContext.close();
    }
  });

  step('switches to English, keeps it after a reload, and translates the board and the card', async () => {
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { level: 1, name: 'Desktop' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Sales pipeline' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.match(await page.getByTestId('current-user').innerText(), /Manager/);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Desktop' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.goto(`${server.url}/deals/${dealId}`);
    const panel = page.getByTestId('process-panel');
    await panel.getByRole('heading', { name: 'Interview preparation' }).waitFor();
    await panel.getByText('The working group prepares the deep interview with a VIP client').waitFor();
    await page.getByRole('heading', { name: 'Lead scoring' }).waitFor();
    await page.getByTestId('timeline').getByText('Moved to “Scoring”').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Sales pipeline' }).click();
    await page.getByRole('heading', { level: 2, name: 'Incoming request' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Getting the contact' }).waitFor();
    await page.getByLabel('Search deals').waitFor();
    await page.getByRole('button', { name: 'RU' }).click();
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
  });

  step('moves cards with the keyboard, and asks for the reason (and its fields) when a deal is lost', async () => {
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
    await waitBoardLoaded();
    // Shift+→ on a focused card moves it one stage on, and focus stays with the card.
    const first = page.locator('.column[data-stage="screening"] .card').first();
    const id = Number(await first.getAttribute('data-id'));
    await first.focus();
    const moved = page.waitForResponse(isMove(id));
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal((await moved).status(), 200);
    await page.locator(`.column[data-stage="scoring"] .card[data-id="${id}"]`).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-id')), String(id));

    // Dropping on "Проиграно" asks why; cancelling leaves the card where it was.
    // (A wide window, so that both columns are on screen.)
    await page.setViewportSize({ width: 3200, height: 800 });
    const card = page.locator(`.card[data-id="${id}"]`);
    await dragTo(card, page.locator('.column[data-stage="lost"]'));
    const dialog = page.getByRole('dialog', { name: 'Причина проигрыша' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Отменить' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`.column[data-stage="scoring"] .card[data-id="${id}"]`).waitFor();

    await dragTo(card, page.locator('.column[data-stage="lost"]'));
    await dialog.waitFor();
    await dialog.getByLabel('Выбрали конкурента').check();
    await dialog.getByLabel('Конкурент', { exact: true }).fill('ООО «Веб-Профи»');
    await dialog.getByLabel('Наше место среди предложений').fill('2');
    await dialog.getByLabel('Срок проекта конкурента').fill(await inMinutes(60 * 24 * 60));
    const lost = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${id}/lost`));
    await dialog.getByRole('button', { name: 'Записать причину' }).click();
    assert.equal((await lost).status(), 200);
    await page.locator(`.column[data-stage="lost"] .card[data-id="${id}"]`).waitFor();
    const { body } = await apiGet(`/api/deals/${id}`);
    assert.equal(body.stage, 'lost');
    assert.equal(body.status, 'lost');
    assert.equal(body.lost_reason, 'competitor');
    const { body: proc } = await apiGet(`/api/deals/${id}/process`);
    assert.equal(proc.fields.competitor, 'ООО «Веб-Профи»');
    assert.equal(proc.fields.our_rank, 2);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('the head plans the month: 800 000 ₽ at 40 000 ₽ a sale is 20 sales, split between the four managers', async () => {
    const headContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    try {
      const head = await headContext.newPage();
      head.setDefaultTimeout(15_000);
      head.on('pageerror', (e) => pageErrors.push(`head, plan: ${e.message}`));
      await login(head, 'head@demo.voronka.ru');
      await head.getByRole('link', { name: 'План', exact: true }).click();
      await head.getByRole('heading', { name: 'План продаж' }).waitFor();
      await head.getByTestId('plan-revenue').fill('800 000');
      await head.getByLabel('Средняя продажа, ₽').fill('40 000');
      await head.getByTestId('plan-compute').click();
      await head.getByTestId('plan-sales-needed').filter({ hasText: 'Нужно продаж: 20.' }).waitFor();
      assert.match(await head.getByTestId('plan-sales-needed').innerText(), /800 000 ₽ ÷ 40 000 ₽ = 20\.00 → 20/);
      const rows = head.getByTestId('plan-split').locator('tbody tr');
      assert.equal(await rows.count(), 4);
      for (const row of await rows.all()) {
        assert.match(await row.innerText(), /200\s000\s₽/);
        assert.equal(await row.locator('td').last().innerText(), '5');
      }
      await shot('plan', head);
    } finally {
      await headContext.close();
    }
  });

  step('the head opens the funnel report, drills into a cell, watches the team on the monitor and the regulation report', async () => {
    const headContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    try {
      const head = await headContext.newPage();
      head.setDefaultTimeout(15_000);
      head.on('pageerror', (e) => pageErrors.push(`head, funnel: ${e.message}`));
      await login(head, 'head@demo.voronka.ru');
      await head.getByRole('link', { name: 'Отчёты', exact: true }).click();
      await head.getByRole('heading', { name: 'Отчёт по воронке' }).waitFor();
      await head.getByTestId('funnel-chart').locator('canvas').waitFor();
      // Last month's cohort: the demo's history has cards at every step, four managers' rows.
      const month = await head.evaluate(() => {
        const d = new Date();
        d.setDate(1);
        d.setMonth(d.getMonth() - 1);
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
      });
      const loaded = head.waitForResponse((r) => r.url().includes('/api/analytics/funnel?') && r.url().includes(`month=${month}`));
      await head.getByLabel('Месяц').fill(month);
      await loaded;
      await head.getByTestId('funnel-groups').locator('tbody tr').first().waitFor();
      assert.ok((await head.getByTestId('funnel-groups').locator('tbody tr').count()) >= 4);
      const leads = Number(await head.getByTestId('cell-leads').innerText());
      assert.ok(leads > 0);
      await head.getByTestId('cell-leads').click();
      const drill = head.getByTestId('funnel-drill');
      await drill.getByRole('heading', { name: new RegExp(`Дошли: Заявки · ${leads}`) }).waitFor();
      assert.match(await drill.locator('tbody tr a').first().getAttribute('href'), /^\/deals\/\d+$/);
      await head.getByText('Поток', { exact: true }).click();
      await head.getByText('Поток: переходы между этапами').waitFor();
      await shot('funnel', head);

      await head.getByRole('link', { name: 'Монитор', exact: true }).click();
      await head.getByRole('heading', { name: 'Монитор отдела' }).waitFor();
      const rows = head.getByTestId('monitor-table').locator('tbody tr');
      await rows.first().waitFor();
      assert.ok((await rows.count()) >= 5);
      await head.getByTestId('norms-summary').filter({ hasText: 'Звонки 20' }).waitFor();
      assert.ok((await head.locator('[data-norm="calls"]').count()) >= 4);
      await shot('monitor', head);
      await head.getByRole('link', { name: 'Регламент', exact: true }).click();
      await head.getByTestId('deviations-table').locator('tr[data-rule="get_contact"]').waitFor();
    } finally {
      await headContext.close();
    }
  });

  it('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });

  /** Pointer drag with intermediate moves, as a person would do it. */
  async function dragTo(source, target) {
    await source.scrollIntoViewIfNeeded();
    const a = await source.boundingBox();
    const b = await target.boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 4, { steps: 3 });
    await page.mouse.move(b.x + b.width / 2, b.y + 120, { steps: 12 });
    await page.mouse.up();
  }
});
