// The server explains errors in English. In the Russian interface the common messages are
// shown in Russian; anything not recognised is shown as the server wrote it.

import { lang } from './i18n';

type Rule = [RegExp, (m: RegExpExecArray) => string];

const RU: Rule[] = [
  [/^\w+ must be between (-?\d+) and (-?\d+)$/, (m) => `Допустимо от ${m[1]} до ${m[2]}`],
  [/^\w+ must not be (empty|null)$/, () => 'Поле не может быть пустым'],
  [/^field '\w+' is required/, () => 'Обязательное поле'],
  [/^\w+ must be at most (\d+) (characters|bytes)$/, (m) => `Не длиннее ${m[1]} символов`],
  [/^\w+ must be an integer amount in minor units/, () => 'Сумма указана неверно'],
  [/^amount must be a non-negative integer in kopecks$/, () => 'Сумма должна быть неотрицательной'],
  [/^\w+ must be an integer$/, () => 'Нужно целое число'],
  [/^\w+ must be a single line$/, () => 'Только одна строка, без переносов'],
  [/^\w+ must be one of: (.*)$/, (m) => `Допустимые значения: ${m[1]}`],
  [/^\w+ must be an ISO 8601/, () => 'Дата указана неверно'],
  [/^\w+ must be a positive integer id$/, () => 'Выберите значение из списка'],
  [/'(.*)' is not a valid phone number$/, (m) => `Номер «${m[1]}» набран неверно`],
  [/'(.*)' is not a valid e-mail address$/, (m) => `Адрес «${m[1]}» указан неверно`],
  [/^a lead needs a phone or an e-mail$/, () => 'Нужен телефон или почта'],
  [/^a phone lead needs the caller's phone$/, () => 'Для звонка нужен номер звонящего'],
  [/^you may not assign \w+ to user \d+$/, () => 'Вы не можете назначить этого сотрудника'],
  [/^\w+ may not be cleared by you$/, () => 'Ответственного нельзя убрать'],
  [/^you have no access to /, () => 'Нет доступа к этой записи'],
  [/^the \w+ role does not take leads$/, () => 'Ваша роль не принимает лиды'],
  [/^the owner role reads everything and changes nothing$/, () => 'Собственник только просматривает данные'],
  [/^a curator may add notes and tasks, not change records$/, () => 'Куратор может добавлять заметки и задачи, но не менять записи'],
  [/^too many failed logins; try again in (\d+) s$/, (m) => `Слишком много неудачных попыток входа, повторите через ${m[1]} с`],
  [/^wrong e-mail or password$/, () => 'Неверная почта или пароль'],
  [/was changed (by someone else|concurrently)/, () => 'Запись уже изменил кто-то другой, обновите страницу'],
  [/^\w+ \d+: no such deal$/, () => 'Такой сделки нет'],
  [/already belongs to contact \d+/, () => 'Этот телефон или адрес уже есть у другого контакта'],
  [/^no \w+ with id \d+$/, () => 'Запись не найдена'],
];

export function serverText(message: string): string {
  if (lang() !== 'ru') return message;
  for (const [re, fn] of RU) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}
