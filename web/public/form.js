/* Voronka site form: paste on the company's website.
 *
 *   <div data-voronka-form></div>
 *   <script src="https://crm.example.ru/form.js" data-token="vrk_…" data-lang="ru" async></script>
 *
 * Renders a request form (name, phone, e-mail, message, consent) into the first
 * [data-voronka-form] element that has none yet (or right after the script) and posts it to
 * this server's POST /api/intake as a site_form lead with the intake-only token, an
 * Idempotency-Key per filled form (a retry never makes a second lead) and the page's utm_*
 * marks. Self-contained: no dependencies, no cookies, styles scoped under .vrk-form.
 */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[data-token][src*="form.js"]');
  if (!script) return;
  var base = new URL(script.src, location.href).origin;
  var token = script.getAttribute('data-token') || '';
  var lang = (script.getAttribute('data-lang') || document.documentElement.lang || 'ru').slice(0, 2) === 'en' ? 'en' : 'ru';

  var T = {
    ru: {
      title: 'Оставьте заявку',
      name: 'Имя',
      phone: 'Телефон',
      email: 'E-mail',
      message: 'Сообщение',
      consent: 'Я согласен(на) на обработку персональных данных',
      send: 'Отправить',
      sending: 'Отправляем…',
      done: 'Спасибо! Заявка принята, мы скоро свяжемся с вами.',
      needContact: 'Укажите телефон или e-mail.',
      badPhone: 'Проверьте номер телефона.',
      badEmail: 'Проверьте адрес e-mail.',
      needConsent: 'Нужно согласие на обработку персональных данных.',
      failed: 'Не удалось отправить заявку. Попробуйте ещё раз.',
    },
    en: {
      title: 'Send us a request',
      name: 'Name',
      phone: 'Phone',
      email: 'E-mail',
      message: 'Message',
      consent: 'I agree to the processing of my personal data',
      send: 'Send',
      sending: 'Sending…',
      done: 'Thank you! We have your request and will be in touch soon.',
      needContact: 'Enter a phone or an e-mail.',
      badPhone: 'Check the phone number.',
      badEmail: 'Check the e-mail address.',
      needConsent: 'Your consent to the processing of personal data is needed.',
      failed: 'The request could not be sent. Please try again.',
    },
  }[lang];

  var CSS =
    '.vrk-form{font:15px/1.4 system-ui,sans-serif;max-width:420px;display:grid;gap:10px;color:#1f2937}' +
    '.vrk-form h3{margin:0;font-size:18px}' +
    '.vrk-form label{display:grid;gap:4px}' +
    '.vrk-form input,.vrk-form textarea{font:inherit;padding:8px 10px;border:1px solid #9ca3af;border-radius:6px}' +
    '.vrk-form :focus-visible{outline:3px solid #2563eb;outline-offset:2px}' +
    '.vrk-form .vrk-consent{display:flex;gap:8px;align-items:flex-start}' +
    '.vrk-form button{font:inherit;padding:9px 16px;border:0;border-radius:6px;background:#2563eb;color:#fff;cursor:pointer;justify-self:start}' +
    '.vrk-form button[disabled]{opacity:.6;cursor:default}' +
    '.vrk-form .vrk-status{min-height:1.4em}.vrk-form .vrk-error{color:#b91c1c}.vrk-form .vrk-ok{color:#166534}';

  if (!document.getElementById('vrk-form-style')) {
    var style = document.createElement('style');
    style.id = 'vrk-form-style';
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  var n = document.querySelectorAll('form.vrk-form').length;
  var id = function (name) { return 'vrk-' + n + '-' + name; };
  var host = null;
  var spots = document.querySelectorAll('[data-voronka-form]');
  for (var i = 0; i < spots.length && !host; i++) if (!spots[i].querySelector('form.vrk-form')) host = spots[i];

  var form = document.createElement('form');
  form.className = 'vrk-form';
  form.noValidate = true;
  form.setAttribute('aria-labelledby', id('title'));
  function field(name, type, autocomplete) {
    var input = document.createElement(type === 'textarea' ? 'textarea' : 'input');
    if (type !== 'textarea') input.type = type;
    else input.rows = 3;
    input.name = name;
    input.id = id(name);
    if (autocomplete) input.autocomplete = autocomplete;
    var label = document.createElement('label');
    label.htmlFor = input.id;
    label.appendChild(document.createTextNode(T[name]));
    label.appendChild(input);
    form.appendChild(label);
    return input;
  }
  var title = document.createElement('h3');
  title.id = id('title');
  title.textContent = T.title;
  form.appendChild(title);
  var name = field('name', 'text', 'name');
  var phone = field('phone', 'tel', 'tel');
  var email = field('email', 'email', 'email');
  var message = field('message', 'textarea');
  var consentLabel = document.createElement('label');
  consentLabel.className = 'vrk-consent';
  var consent = document.createElement('input');
  consent.type = 'checkbox';
  consent.name = 'consent';
  consent.required = true;
  consentLabel.appendChild(consent);
  consentLabel.appendChild(document.createTextNode(T.consent));
  form.appendChild(consentLabel);
  var button = document.createElement('button');
  button.type = 'submit';
  button.textContent = T.send;
  form.appendChild(button);
  var status = document.createElement('div');
  status.className = 'vrk-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  form.appendChild(status);

  if (host) host.appendChild(form);
  else script.parentNode.insertBefore(form, script.nextSibling);

  function say(text, ok, focus) {
    status.textContent = text;
    status.className = 'vrk-status ' + (ok ? 'vrk-ok' : 'vrk-error');
    if (focus) focus.focus();
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return 'form-' + crypto.randomUUID();
    return 'form-' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  // One key per filled form: resending after a network error replays, never duplicates.
  var key = newKey();
  form.addEventListener('input', function () { if (status.className.indexOf('vrk-ok') < 0) status.textContent = ''; });

  function marks() {
    var utm = {};
    var q = new URLSearchParams(location.search);
    q.forEach(function (v, k) { if (/^utm_[a-z]{1,20}$/.test(k)) utm[k] = v.slice(0, 200); });
    utm.page = (location.origin + location.pathname).slice(0, 200);
    return utm;
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!phone.value.trim() && !email.value.trim()) return say(T.needContact, false, phone);
    if (!consent.checked) return say(T.needConsent, false, consent);
    // The consent goes with where it was given (this page), kept on the contact with the time.
    var body = { channel: 'site_form', consent: true, consent_source: ('site form ' + location.origin + location.pathname).slice(0, 200), utm: marks() };
    if (name.value.trim()) body.name = name.value.trim();
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (email.value.trim()) body.email = email.value.trim();
    if (message.value.trim()) body.message = message.value.trim();
    button.disabled = true;
    say(T.sending, true);
    fetch(base + '/api/intake', {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token, 'Idempotency-Key': key },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        if (res.ok) {
          form.reset();
          key = newKey();
          return say(T.done, true);
        }
        return res.json().then(function (err) {
          var f = err && err.error && err.error.field;
          if (f === 'phone') say(T.badPhone, false, phone);
          else if (f === 'email') say(T.badEmail, false, email);
          else if (f === 'consent') say(T.needConsent, false, consent);
          else say(T.failed, false);
        });
      })
      .catch(function () { say(T.failed, false); })
      .then(function () { button.disabled = false; });
  });
})();
