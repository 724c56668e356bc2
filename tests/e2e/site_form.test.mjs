// End-to-end: the public site form and the phone-width layout.
// The head of sales makes a site form (an intake-only key) and copies its snippet → the
// snippet is pasted on a page served from another origin (another host and port) → a
// visitor with no session sends a request → the lead is on the head's board, where the
// manager in turn got it. Then a 390 × 844 phone: the board scrolls sideways, keyboard focus
// reaches the cards and is visible, a card opens with Enter and its panels stack; the
// new-lead form works from the keyboard.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, startServer } from './support.mjs';

const VISITOR = 'Сергей Сайтов';

describe('web UI: the site form on another website, and a phone-width screen', { timeout: 300_000 }, () => {
  let server;
  let site;
  let siteUrl;
  let sitePage = '';
  let browser;
  let head;
  let headContext;
  const pageErrors = [];

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

  const login = async (p, email) => {
    await p.goto(server.url + '/');
    await p.getByLabel('Электронная почта').fill(email);
    await p.getByLabel('Пароль').fill('demo-pass');
    await p.getByRole('button', { name: 'Войти' }).click();
    await p.getByRole('heading', { level: 1, name: 'Рабочий стол' }).waitFor();
  };

  before(async () => {
    server = await startServer();
    // The company's website: another origin (localhost, not 127.0.0.1, and its own port).
    site = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(sitePage);
    });
    await new Promise((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://localhost:${site.address().port}/contacts`;
    browser = await launchBrowser();
    headContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    head = await headContext.newPage();
    head.setDefaultTimeout(15_000);
    head.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    site?.close();
    await server?.stop();
  });

  let snippet = '';

  step('the head creates a site form and gets the snippet to paste', async () => {
    await login(head, 'head@demo.voronka.ru');
    await head.getByRole('navigation').getByRole('link', { name: 'Форма для сайта' }).click();
    await head.getByRole('heading', { level: 1, name: 'Форма заявки для сайта' }).waitFor();
    await head.getByText('Форм пока нет.').waitFor();
    await head.getByLabel('Название (для себя)').fill('Сайт: страница «Контакты»');
    const created = head.waitForResponse((r) => r.url().endsWith('/api/tokens') && r.request().method() === 'POST');
    await head.getByRole('button', { name: 'Создать ключ и код формы' }).click();
    assert.equal((await created).status(), 201);
    snippet = await head.getByTestId('site-form-snippet').inputValue();
    assert.match(snippet, /^<div data-voronka-form><\/div>\n<script src="http:\/\/127\.0\.0\.1:\d+\/form\.js" data-token="vrk_[0-9a-f]+" data-lang="ru" async><\/script>$/);
    await head.getByText(/Код с ключом показывается один раз/).waitFor();
    await head.getByTestId('site-form-list').getByText('Сайт: страница «Контакты»').waitFor();
  });

  step('a visitor on another website sends the form; the lead is on the board', async () => {
    sitePage = `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>ООО «Пример»</title></head>
      <body><h1>Свяжитесь с нами</h1>${snippet}</body></html>`;
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    try {
      const visitor = await visitorContext.newPage();
      visitor.setDefaultTimeout(15_000);
      const errors = [];
      visitor.on('pageerror', (e) => errors.push(e.message));
      await visitor.goto(siteUrl + '?utm_source=yandex&utm_campaign=autumn');
      const form = visitor.getByRole('form', { name: 'Оставьте заявку' });
      await form.waitFor();
      await form.getByLabel('Имя').fill(VISITOR);
      await form.getByLabel('Телефон').fill('8 (916) 777-12-34');
      await form.getByLabel('E-mail').fill('sergey@primer.example');
      await form.getByLabel('Сообщение').fill('Нужен личный кабинет для клиентов');
      // Without consent nothing is sent.
      let posts = 0;
      visitor.on('request', (r) => r.url().endsWith('/api/intake') && r.method() === 'POST' && posts++);
      await form.getByRole('button', { name: 'Отправить' }).click();
      await form.getByRole('status').getByText('Нужно согласие на обработку персональных данных.').waitFor();
      assert.equal(posts, 0);
      await form.getByLabel('Я согласен(на) на обработку персональных данных').check();
      const sent = visitor.waitForResponse((r) => r.url().endsWith('/api/intake') && r.request().method() === 'POST');
      await form.getByRole('button', { name: 'Отправить' }).click();
      const res = await sent;
      assert.equal(res.status(), 201);
      assert.equal((await res.request().allHeaders()).origin, new URL(siteUrl).origin);
      await form.getByText('Спасибо! Заявка принята, мы скоро свяжемся с вами.').waitFor();
      assert.equal(await form.getByLabel('Имя').inputValue(), '');
      assert.deepEqual(errors, []);
    } finally {
      await visitorContext.close();
    }

    // The head's board, searched for the visitor: a site-form lead getting its contact,
    // with a manager (not the head who made the form) responsible.
    await head.goto(`${server.url}/board?q=${encodeURIComponent(VISITOR)}`);
    const card = head.locator('.column[data-stage="contact"] .card', { hasText: VISITOR });
    await card.waitFor();
    const id = Number(await card.getAttribute('data-id'));
    const deal = await head.evaluate(async (id) => (await fetch(`/api/deals/${id}`)).json(), id);
    assert.equal(deal.channel, 'site_form');
    const owner = await head.evaluate(async (uid) => (await fetch(`/api/users/${uid}`)).json(), deal.responsible_id);
    assert.equal(owner.role, 'manager');
    const acts = await head.evaluate(async (id) => (await fetch(`/api/activities?deal_id=${id}`)).json(), id);
    assert.match(acts.items[0].body, /Нужен личный кабинет/);
    assert.match(acts.items[0].body, /yandex/);
  });

  step('on a 390-px phone the board scrolls sideways and the keyboard reaches a card with a visible focus', async () => {
    await head.setViewportSize({ width: 390, height: 844 });
    await head.goto(`${server.url}/board`);
    await head.waitForFunction(() => !document.querySelector('[data-testid="board-summary"] .muted') && document.querySelector('.column-cards .card'));
    const layout = await head.evaluate(() => {
      const board = document.querySelector('.board');
      const col = document.querySelector('.column').getBoundingClientRect();
      return { page: document.documentElement.scrollWidth, board: board.scrollWidth, boardView: board.clientWidth, col: col.width };
    });
    assert.ok(layout.page <= 390, `the page itself is ${layout.page}px wide`);
    assert.ok(layout.board > layout.boardView * 3, `the board scrolls sideways: ${JSON.stringify(layout)}`);
    assert.ok(layout.col < 390, `a column fits the screen: ${layout.col}px`);
    // Tab from the top of the page until a card has the focus.
    await head.locator('body').focus();
    let onCard = false;
    for (let i = 0; i < 40 && !onCard; i++) {
      await head.keyboard.press('Tab');
      onCard = await head.evaluate(() => document.activeElement?.classList.contains('card'));
    }
    assert.ok(onCard, 'Tab reaches the first card');
    const ring = await head.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.notEqual(ring.style, 'none');
    assert.ok(ring.width >= 2, `focus ring ${ring.width}px`);
    // Enter opens the card; its panels stack in one column, nothing sticks out sideways.
    const id = await head.evaluate(() => document.activeElement.getAttribute('data-id'));
    await head.keyboard.press('Enter');
    await head.waitForURL(new RegExp(`/deals/${id}$`));
    await head.getByTestId('process-panel').waitFor();
    const stack = await head.evaluate(() => {
      const boxes = ['.deal-process', '.deal-fields', '.deal-main', '.deal-side'].map((s) => document.querySelector(s)?.getBoundingClientRect());
      return { page: document.documentElement.scrollWidth, boxes: boxes.map((b) => b && { x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.width) }) };
    });
    assert.ok(stack.page <= 390, `the card page is ${stack.page}px wide`);
    const shown = stack.boxes.filter(Boolean).sort((a, b) => a.y - b.y);
    assert.ok(shown.length >= 3, JSON.stringify(stack));
    for (let i = 1; i < shown.length; i++) {
      assert.equal(shown[i].x, shown[0].x, `stacked: ${JSON.stringify(shown)}`);
      assert.ok(shown[i].y > shown[i - 1].y, `one under another: ${JSON.stringify(shown)}`);
    }
  });

  step('on the phone the new-lead form is filled and sent from the keyboard', async () => {
    await head.goto(`${server.url}/leads/new`);
    await head.getByRole('heading', { level: 1, name: 'Новый лид' }).waitFor();
    const name = head.getByLabel('Имя клиента');
    await name.focus();
    await head.keyboard.type('Ольга Клавиатурова');
    const ring = await head.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none');
    // Tab onwards to the phone field (whatever lies between), type, and submit with Enter.
    let onPhone = false;
    for (let i = 0; i < 10 && !onPhone; i++) {
      await head.keyboard.press('Tab');
      onPhone = await head.evaluate(() => document.activeElement?.id && document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent?.includes('Телефон'));
    }
    assert.ok(onPhone, 'Tab reaches the phone field');
    await head.keyboard.type('+7 921 555-44-33');
    const created = head.waitForResponse((r) => r.url().endsWith('/api/intake') && r.request().method() === 'POST');
    await head.keyboard.press('Enter');
    assert.equal((await created).status(), 201);
    const width = await head.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the form page is ${width}px wide`);
    await head.setViewportSize({ width: 1280, height: 800 });
  });

  step('in English the site form page and the form itself have no Russian left', async () => {
    const cyrillic = /[\u0400-\u04FF]/;
    await head.goto(`${server.url}/site-form`);
    await head.getByRole('button', { name: 'EN' }).click();
    await head.getByRole('heading', { level: 1, name: 'Request form for your website' }).waitFor();
    // Interface text only: the form's own name in the list is data.
    const chrome = await head.evaluate(() =>
      [...document.querySelectorAll('header nav a, header button, header .user-role, main h1, main h2, main label, main button, main p, main option')]
        .filter((el) => !el.closest('.site-form-list'))
        .map((el) => el.textContent.trim())
        .filter(Boolean),
    );
    assert.deepEqual(chrome.filter((x) => cyrillic.test(x.replace('Русский', ''))), []); // the language's own name stays
    // The snippet in English draws an English form.
    await head.getByLabel('Form language').selectOption('en');
    await head.getByRole('button', { name: 'Create the key and the form code' }).click();
    const snippetEn = await head.getByTestId('site-form-snippet').inputValue();
    assert.match(snippetEn, /data-lang="en"/);
    sitePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>${snippetEn}</body></html>`;
    const visitor = await head.context().newPage();
    try {
      await visitor.goto(siteUrl);
      const form = visitor.getByRole('form', { name: 'Send us a request' });
      await form.waitFor();
      await form.getByRole('button', { name: 'Send' }).click();
      await form.getByText('Enter a phone or an e-mail.').waitFor();
      assert.doesNotMatch(await form.innerText(), cyrillic);
    } finally {
      await visitor.close();
    }
    await head.getByRole('button', { name: 'RU' }).click();
  });

  it('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
