// End-to-end: a manager's day in the browser against a real server on demo data.
// Log in → take a phone lead → find it on the board → drag it to the next stage (and see a
// stale move snap back) → open the card and log a call with a next step → complete that
// task on the desktop → switch to English.
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
const NEXT_STEP = 'Отправить КП с тремя вариантами';

describe('web UI: a manager works a lead', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  let dealId;
  const pageErrors = [];

  const shot = async (name) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    for (const close of await page.locator('.toast-close').all()) await close.click().catch(() => {});
    await page.mouse.move(0, 799);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
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

  /** The record as the server has it (with the page's session cookie). */
  const apiGet = (path) =>
    page.evaluate(async (p) => {
      const r = await fetch(p, { headers: { Accept: 'application/json' } });
      return { status: r.status, body: await r.json() };
    }, path);

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({
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
    await page.goto(server.url + '/');
    await page.getByLabel('Электронная почта').fill('alexey@demo.voronka.ru');
    await page.getByLabel('Пароль').fill('demo-pass');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 1, name: 'Рабочий стол' }).waitFor();
    const user = page.getByTestId('current-user');
    assert.match(await user.innerText(), /Алексей Смирнов/);
    assert.match(await user.innerText(), /Менеджер/);
    // The demo manager has work waiting: the three groups are drawn.
    await page.getByTestId('tasks-overdue').waitFor();
    await page.getByTestId('tasks-today').waitFor();
    await page.getByTestId('tasks-upcoming').waitFor();
  });

  step('creates a lead through the form, as when taking a phone call', async () => {
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
    await page.getByLabel('Ориентировочный бюджет, ₽').fill('250 000');
    await page.getByLabel('Суть запроса').fill('Нужен магазин на 1С-Битрикс, запуск к весне');
    await page.getByRole('button', { name: 'Создать лид' }).click();
    await page.waitForURL(/\/deals\/\d+$/);
    dealId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1, name: `Звонок: ${LEAD_NAME}` }).waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'incoming');
    assert.equal(body.amount, 25_000_000);
    assert.equal(body.channel, 'phone');
  });

  step('shows the lead on the board and drags it to the next stage', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Воронка продаж' }).click();
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
    const card = page.locator(`.column[data-stage="incoming"] .card[data-id="${dealId}"]`);
    await card.waitFor();
    assert.match(await card.innerText(), /250\s000\s₽/);
    await card.getByText(COMPANY).waitFor();
    // Totals per column are shown; every column of the pipeline is there.
    assert.equal(await page.locator('.column').count(), 11);
    await page.waitForFunction(() => !document.querySelector('[data-testid="board-summary"] .muted'));
    await shot('board');

    const target = page.locator('.column[data-stage="contact"]');
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${dealId}`) && r.request().method() === 'PATCH');
    await dragTo(card, target);
    const res = await saved;
    assert.equal(res.status(), 200);
    await page.locator(`.column[data-stage="contact"] .card[data-id="${dealId}"]`).waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.stage, 'contact');
  });

  step('snaps a card back and shows the message when the server refuses the move', async () => {
    // Someone else changes the deal: the board's copy is now stale, so the move gets 409.
    const { body: before } = await apiGet(`/api/deals/${dealId}`);
    const status = await page.evaluate(
      async ({ id, version }) =>
        (
          await fetch(`/api/deals/${id}`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ version, description: 'changed elsewhere' }),
          })
        ).status,
      { id: dealId, version: before.version },
    );
    assert.equal(status, 200);
    const card = page.locator(`.card[data-id="${dealId}"]`);
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${dealId}`) && r.request().method() === 'PATCH');
    await dragTo(card, page.locator('.column[data-stage="screening"]'));
    assert.equal((await refused).status(), 409);
    await page.locator(`.column[data-stage="contact"] .card[data-id="${dealId}"]`).waitFor();
    assert.equal(await page.locator(`.column[data-stage="screening"] .card[data-id="${dealId}"]`).count(), 0);
    await page.locator('.toast-error').first().waitFor();
    assert.match(await page.locator('.toast-error').first().innerText(), /Не удалось перенести/);
    const { body: after } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(after.stage, 'contact');
  });

  step('opens the card and logs a call with its goal, outcome and next step', async () => {
    await page.locator(`.card[data-id="${dealId}"]`).click();
    await page.getByRole('heading', { level: 1, name: `Звонок: ${LEAD_NAME}` }).waitFor();
    // Contact and company are on the card.
    await page.getByRole('region', { name: 'Контакт' }).getByText(LEAD_NAME).waitFor();
    await page.getByRole('region', { name: 'Компания' }).getByText(COMPANY).waitFor();

    // A call without a goal is not logged.
    await page.getByRole('button', { name: 'Записать', exact: true }).click();
    await page.getByText('Укажите цель').waitFor();

    const when = await page.evaluate(() => {
      const d = new Date(Date.now() + 2 * 3600_000);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    });
    await page.getByLabel('Цель').fill('Провести отсев по критериям');
    await page.getByLabel('Результат').fill('Бюджет подтверждён, сроки — до марта');
    await page.getByLabel('Следующий шаг', { exact: true }).fill(NEXT_STEP);
    await page.getByLabel('Дата следующего шага').fill(when);
    await page.getByLabel('Длительность, мин').fill('12');
    await page.getByRole('button', { name: 'Записать', exact: true }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Провести отсев по критериям').waitFor();
    await timeline.getByText(NEXT_STEP).waitFor();
    // The stage move is in the history too.
    await timeline.getByText('Получение контакта').first().waitFor();
    await page.getByTestId('deal-tasks').getByText(NEXT_STEP).waitFor();

    // A server validation message appears next to the field it concerns.
    await page.locator('#deal-score').fill('40');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('#deal-score-error').waitFor();
    assert.equal(await page.locator('#deal-score-error').innerText(), 'Допустимо от -15 до 15');
    await page.locator('#deal-score').fill('11');
    await page.locator('#deal-segment').selectOption('A');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Изменения сохранены').waitFor();
    const { body } = await apiGet(`/api/deals/${dealId}`);
    assert.equal(body.score, 11);
    assert.equal(body.segment, 'A');

    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('card');
  });

  step('shows the task on the desktop and completes it', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Рабочий стол' }).click();
    await page.getByRole('heading', { level: 1, name: 'Рабочий стол' }).waitFor();
    const row = page.locator('.desk-task', { hasText: NEXT_STEP });
    await row.waitFor();
    // The task links to its card.
    assert.equal(await row.getByRole('link').getAttribute('href'), `/deals/${dealId}`);
    await page.locator('.desk-task-deal').first().waitFor();
    await shot('desktop');
    const taskId = Number(await row.getAttribute('data-task-id'));
    await row.getByRole('button', { name: `Отметить задачу «${NEXT_STEP}» выполненной` }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText(`Задача «${NEXT_STEP}» выполнена`).waitFor();
    const { body } = await apiGet(`/api/tasks/${taskId}`);
    assert.equal(body.done, true);
  });

  step('switches to English, keeps it after a reload, and translates the board', async () => {
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { level: 1, name: 'Desktop' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Sales pipeline' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.match(await page.getByTestId('current-user').innerText(), /Manager/);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Desktop' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Sales pipeline' }).click();
    await page.getByRole('heading', { level: 2, name: 'Incoming request' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Getting the contact' }).waitFor();
    await page.getByLabel('Search deals').waitFor();
    await page.getByRole('button', { name: 'RU' }).click();
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
  });

  step('moves cards with the keyboard, and asks for the reason when a deal is lost', async () => {
    await page.getByRole('heading', { level: 1, name: 'Воронка продаж' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="board-summary"] .muted'));
    // Shift+→ on a focused card moves it one stage on, and focus stays with the card.
    const first = page.locator('.column[data-stage="screening"] .card').first();
    const id = Number(await first.getAttribute('data-id'));
    await first.focus();
    const moved = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${id}`) && r.request().method() === 'PATCH');
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
    const lost = page.waitForResponse((r) => r.url().endsWith(`/api/deals/${id}`) && r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: 'Перенести в «Проиграно»' }).click();
    assert.equal((await lost).status(), 200);
    await page.locator(`.column[data-stage="lost"] .card[data-id="${id}"]`).waitFor();
    const { body } = await apiGet(`/api/deals/${id}`);
    assert.equal(body.stage, 'lost');
    assert.equal(body.status, 'lost');
    assert.equal(body.lost_reason, 'Выбрали конкурента');
    await page.setViewportSize({ width: 1280, height: 800 });
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
