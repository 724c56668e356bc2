// Interface strings in Russian (default) and English. The chosen language lives in
// localStorage; components read it through t() and re-render when App's language changes.

export type Lang = 'ru' | 'en';

const ru = {
  'app.name': 'Воронка',
  'app.skip': 'Перейти к содержимому',
  'nav.desktop': 'Рабочий стол',
  'nav.board': 'Воронка продаж',
  'nav.newLead': 'Новый лид',
  'nav.main': 'Основные разделы',
  'header.logout': 'Выйти',
  'header.language': 'Язык интерфейса',
  'role.admin': 'Администратор',
  'role.owner': 'Собственник',
  'role.head': 'Руководитель отдела продаж',
  'role.curator': 'Куратор',
  'role.manager': 'Менеджер',

  'login.title': 'Вход в Воронку',
  'login.subtitle': 'CRM, которая ведёт продажи по процессу',
  'login.email': 'Электронная почта',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.busy': 'Входим…',
  'login.failed': 'Неверная почта или пароль',

  'common.loading': 'Загрузка…',
  'common.save': 'Сохранить',
  'common.saving': 'Сохраняем…',
  'common.cancel': 'Отменить',
  'common.reset': 'Сбросить',
  'common.none': '—',
  'common.all': 'Все',
  'common.close': 'Закрыть',
  'common.retry': 'Повторить',
  'common.showMore': 'Показать ещё {n}',
  'common.notFound': 'Страница не найдена',
  'common.toDesktop': 'На рабочий стол',
  'common.today': 'Сегодня',
  'common.tomorrow': 'Завтра',
  'common.yesterday': 'Вчера',
  'common.required': 'Обязательное поле',

  'err.network': 'Сервер недоступен. Проверьте соединение и повторите.',
  'err.conflict': 'Карточку уже изменил кто-то другой — показана свежая версия.',
  'err.forbidden': 'Недостаточно прав',
  'err.generic': 'Не удалось выполнить действие',
  'err.amount': 'Введите сумму в рублях, например 150 000 или 1500,50',

  'board.title': 'Воронка продаж',
  'board.search': 'Поиск по сделкам',
  'board.searchPlaceholder': 'Название, продукт…',
  'board.responsible': 'Ответственный',
  'board.segment': 'Сегмент',
  'board.channel': 'Канал',
  'board.noSegment': 'Без сегмента',
  'board.reset': 'Сбросить фильтры',
  'board.summary': 'Открыто: {n} на {sum}',
  'board.loaded': 'Загружено {n}',
  'board.loadingMore': 'Догружаем сделки…',
  'board.empty': 'Нет сделок',
  'board.closedHint': 'за 30 дней',
  'board.hint': 'Перетащите карточку в другую колонку или нажмите Shift+→ / Shift+← на выбранной карточке.',
  'board.moved': 'Сделка «{title}» перенесена на этап «{stage}»',
  'board.moveFailed': 'Не удалось перенести «{title}»: {message}',
  'board.overdue': 'Есть просроченная задача',
  'board.overdueShort': 'просрочено',
  'board.cardsIn': '{n} сделок',
  'board.lostTitle': 'Причина проигрыша',
  'board.lostPrompt': 'Почему сделка «{title}» проиграна?',
  'board.lostConfirm': 'Перенести в «Проиграно»',
  'board.lostOther': 'Другая причина',

  'lost.postponed': 'Проект отложен',
  'lost.decision': 'Ждём решения другого человека',
  'lost.noTime': 'Нет времени изучить КП',
  'lost.competitor': 'Выбрали конкурента',
  'lost.choosing': 'Ещё выбирают',

  'field.title': 'Название',
  'field.stage': 'Этап',
  'field.status': 'Статус',
  'field.amount': 'Сумма, ₽',
  'field.amountShort': 'Сумма',
  'field.currency': 'Валюта',
  'field.channel': 'Канал',
  'field.product': 'Продукт',
  'field.region': 'Регион',
  'field.responsible_id': 'Ответственный',
  'field.contact_id': 'Контакт',
  'field.company_id': 'Компания',
  'field.score': 'Скоринг (−15…+15)',
  'field.segment': 'Сегмент',
  'field.lost_reason': 'Причина проигрыша',
  'field.decision_date': 'Дата решения',
  'field.description': 'Описание',
  'field.members': 'Рабочая группа',
  'field.pipeline': 'Воронка',
  'field.archived': 'В архиве',
  'field.done': 'Выполнена',
  'field.due_at': 'Срок',
  'field.assignee_id': 'Исполнитель',

  'status.open': 'В работе',
  'status.won': 'Выиграна',
  'status.lost': 'Проиграна',

  'channel.site_form': 'Форма на сайте',
  'channel.email': 'Почта',
  'channel.phone': 'Телефон',
  'channel.messenger': 'Мессенджер',
  'channel.manual': 'Вручную',
  'channel.outbound': 'Исходящий',
  'channel.referral': 'Рекомендация',

  'segment.A': 'A — VIP',
  'segment.B': 'B — золотой фонд',
  'segment.C': 'C — отказ/партнёр',

  'activity.call': 'Звонок',
  'activity.meeting': 'Встреча',
  'activity.email': 'Письмо',
  'activity.note': 'Заметка',
  'activity.visit': 'Визит',
  'activity.message': 'Сообщение',

  'deal.back': '← К воронке',
  'deal.details': 'Параметры сделки',
  'deal.saved': 'Изменения сохранены',
  'deal.contact': 'Контакт',
  'deal.company': 'Компания',
  'deal.noContact': 'Контакт не указан',
  'deal.noCompany': 'Компания не указана',
  'deal.position': 'Должность',
  'deal.phones': 'Телефоны',
  'deal.emails': 'Почта',
  'deal.inn': 'ИНН',
  'deal.website': 'Сайт',
  'deal.tasks': 'Задачи',
  'deal.noTasks': 'Открытых задач нет',
  'deal.doneTasks': 'Выполненные ({n})',
  'deal.addTask': 'Добавить задачу',
  'deal.taskTitle': 'Что сделать',
  'deal.taskDue': 'Когда',
  'deal.taskAdded': 'Задача добавлена',
  'deal.timeline': 'История',
  'deal.noTimeline': 'Пока ничего не произошло',
  'deal.created': 'создал(а) сделку',
  'deal.changed': 'изменил(а) поле «{field}»',
  'deal.archivedAction': 'отправил(а) в архив',
  'deal.restoredAction': 'вернул(а) из архива',
  'deal.system': 'Система',
  'deal.stageProgress': 'Этапы сделки',
  'deal.notFound': 'Сделка не найдена или нет доступа',
  'deal.unsaved': 'Есть несохранённые изменения',

  'log.title': 'Записать звонок или встречу',
  'log.type': 'Тип',
  'log.goal': 'Цель',
  'log.goalPlaceholder': 'Например: договориться о глубинном интервью',
  'log.outcome': 'Результат',
  'log.nextStep': 'Следующий шаг',
  'log.nextStepAt': 'Дата следующего шага',
  'log.duration': 'Длительность, мин',
  'log.makeTask': 'Поставить задачу на следующий шаг',
  'log.submit': 'Записать',
  'log.saved': 'Записано в историю',
  'log.goalRequired': 'Укажите цель: у каждого звонка и встречи есть цель',
  'log.nextStepAtRequired': 'Укажите дату следующего шага',
  'log.goal_label': 'Цель:',
  'log.outcome_label': 'Результат:',
  'log.next_label': 'Следующий шаг:',

  'desktop.title': 'Рабочий стол',
  'desktop.greeting': 'Здравствуйте, {name}!',
  'desktop.overdue': 'Просрочено',
  'desktop.today': 'Сегодня',
  'desktop.upcoming': 'Предстоящие',
  'desktop.noOverdue': 'Просроченных задач нет — так держать.',
  'desktop.noToday': 'На сегодня задач больше нет.',
  'desktop.noUpcoming': 'Предстоящих задач нет.',
  'desktop.complete': 'Выполнить',
  'desktop.completeTask': 'Отметить задачу «{title}» выполненной',
  'desktop.completed': 'Задача «{title}» выполнена',
  'desktop.noDeal': 'Без сделки',
  'desktop.newLead': '+ Новый лид',
  'desktop.openBoard': 'Открыть воронку',

  'lead.title': 'Новый лид',
  'lead.subtitle': 'Заполните, пока клиент на линии: карточка, контакт и первая запись истории появятся сразу.',
  'lead.channel': 'Откуда пришёл',
  'lead.name': 'Имя клиента',
  'lead.phone': 'Телефон',
  'lead.email': 'Электронная почта',
  'lead.company': 'Компания',
  'lead.product': 'Что нужно',
  'lead.amount': 'Ориентировочный бюджет, ₽',
  'lead.message': 'Суть запроса',
  'lead.submit': 'Создать лид',
  'lead.busy': 'Создаём…',
  'lead.created': 'Лид создан: {title}',
  'lead.createdExisting': 'Лид создан, клиент найден среди контактов: {title}',
  'lead.needContact': 'Нужен телефон или почта',
};

export type Key = keyof typeof ru;

const en: Record<Key, string> = {
  'app.name': 'Voronka',
  'app.skip': 'Skip to content',
  'nav.desktop': 'Desktop',
  'nav.board': 'Sales pipeline',
  'nav.newLead': 'New lead',
  'nav.main': 'Main sections',
  'header.logout': 'Log out',
  'header.language': 'Interface language',
  'role.admin': 'Administrator',
  'role.owner': 'Owner',
  'role.head': 'Head of sales',
  'role.curator': 'Curator',
  'role.manager': 'Manager',

  'login.title': 'Sign in to Voronka',
  'login.subtitle': 'The CRM that runs sales by the process',
  'login.email': 'E-mail',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.failed': 'Wrong e-mail or password',

  'common.loading': 'Loading…',
  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.cancel': 'Cancel',
  'common.reset': 'Reset',
  'common.none': '—',
  'common.all': 'All',
  'common.close': 'Close',
  'common.retry': 'Retry',
  'common.showMore': 'Show {n} more',
  'common.notFound': 'Page not found',
  'common.toDesktop': 'Go to the desktop',
  'common.today': 'Today',
  'common.tomorrow': 'Tomorrow',
  'common.yesterday': 'Yesterday',
  'common.required': 'Required',

  'err.network': 'The server is unreachable. Check the connection and retry.',
  'err.conflict': 'Someone else has changed this card — the fresh version is shown.',
  'err.forbidden': 'Not allowed',
  'err.generic': 'The action failed',
  'err.amount': 'Enter an amount in roubles, e.g. 150 000 or 1500.50',

  'board.title': 'Sales pipeline',
  'board.search': 'Search deals',
  'board.searchPlaceholder': 'Title, product…',
  'board.responsible': 'Responsible',
  'board.segment': 'Segment',
  'board.channel': 'Channel',
  'board.noSegment': 'No segment',
  'board.reset': 'Reset filters',
  'board.summary': 'Open: {n} worth {sum}',
  'board.loaded': '{n} loaded',
  'board.loadingMore': 'Loading more deals…',
  'board.empty': 'No deals',
  'board.closedHint': 'last 30 days',
  'board.hint': 'Drag a card to another column, or press Shift+→ / Shift+← on a focused card.',
  'board.moved': 'Deal “{title}” moved to “{stage}”',
  'board.moveFailed': 'Could not move “{title}”: {message}',
  'board.overdue': 'Has an overdue task',
  'board.overdueShort': 'overdue',
  'board.cardsIn': '{n} deals',
  'board.lostTitle': 'Lost reason',
  'board.lostPrompt': 'Why was “{title}” lost?',
  'board.lostConfirm': 'Move to “Lost”',
  'board.lostOther': 'Other reason',

  'lost.postponed': 'Project postponed',
  'lost.decision': 'Waiting for someone else’s decision',
  'lost.noTime': 'No time to study the proposal',
  'lost.competitor': 'Chose a competitor',
  'lost.choosing': 'Still choosing',

  'field.title': 'Title',
  'field.stage': 'Stage',
  'field.status': 'Status',
  'field.amount': 'Amount, ₽',
  'field.amountShort': 'Amount',
  'field.currency': 'Currency',
  'field.channel': 'Channel',
  'field.product': 'Product',
  'field.region': 'Region',
  'field.responsible_id': 'Responsible',
  'field.contact_id': 'Contact',
  'field.company_id': 'Company',
  'field.score': 'Score (−15…+15)',
  'field.segment': 'Segment',
  'field.lost_reason': 'Lost reason',
  'field.decision_date': 'Decision date',
  'field.description': 'Description',
  'field.members': 'Working group',
  'field.pipeline': 'Pipeline',
  'field.archived': 'Archived',
  'field.done': 'Done',
  'field.due_at': 'Due',
  'field.assignee_id': 'Assignee',

  'status.open': 'Open',
  'status.won': 'Won',
  'status.lost': 'Lost',

  'channel.site_form': 'Site form',
  'channel.email': 'E-mail',
  'channel.phone': 'Phone',
  'channel.messenger': 'Messenger',
  'channel.manual': 'Manual',
  'channel.outbound': 'Outbound',
  'channel.referral': 'Referral',

  'segment.A': 'A — VIP',
  'segment.B': 'B — golden fund',
  'segment.C': 'C — decline/partner',

  'activity.call': 'Call',
  'activity.meeting': 'Meeting',
  'activity.email': 'E-mail',
  'activity.note': 'Note',
  'activity.visit': 'Visit',
  'activity.message': 'Message',

  'deal.back': '← To the pipeline',
  'deal.details': 'Deal details',
  'deal.saved': 'Changes saved',
  'deal.contact': 'Contact',
  'deal.company': 'Company',
  'deal.noContact': 'No contact',
  'deal.noCompany': 'No company',
  'deal.position': 'Position',
  'deal.phones': 'Phones',
  'deal.emails': 'E-mail',
  'deal.inn': 'Tax ID (INN)',
  'deal.website': 'Website',
  'deal.tasks': 'Tasks',
  'deal.noTasks': 'No open tasks',
  'deal.doneTasks': 'Done ({n})',
  'deal.addTask': 'Add a task',
  'deal.taskTitle': 'What to do',
  'deal.taskDue': 'When',
  'deal.taskAdded': 'Task added',
  'deal.timeline': 'Timeline',
  'deal.noTimeline': 'Nothing has happened yet',
  'deal.created': 'created the deal',
  'deal.changed': 'changed “{field}”',
  'deal.archivedAction': 'archived it',
  'deal.restoredAction': 'restored it',
  'deal.system': 'System',
  'deal.stageProgress': 'Deal stages',
  'deal.notFound': 'No such deal, or no access to it',
  'deal.unsaved': 'There are unsaved changes',

  'log.title': 'Log a call or meeting',
  'log.type': 'Type',
  'log.goal': 'Goal',
  'log.goalPlaceholder': 'E.g. agree on a deep interview',
  'log.outcome': 'Outcome',
  'log.nextStep': 'Next step',
  'log.nextStepAt': 'Next step date',
  'log.duration': 'Duration, min',
  'log.makeTask': 'Create a task for the next step',
  'log.submit': 'Log it',
  'log.saved': 'Added to the timeline',
  'log.goalRequired': 'Enter the goal: every call and meeting has one',
  'log.nextStepAtRequired': 'Enter the date of the next step',
  'log.goal_label': 'Goal:',
  'log.outcome_label': 'Outcome:',
  'log.next_label': 'Next step:',

  'desktop.title': 'Desktop',
  'desktop.greeting': 'Hello, {name}!',
  'desktop.overdue': 'Overdue',
  'desktop.today': 'Today',
  'desktop.upcoming': 'Upcoming',
  'desktop.noOverdue': 'No overdue tasks — well done.',
  'desktop.noToday': 'Nothing more for today.',
  'desktop.noUpcoming': 'No upcoming tasks.',
  'desktop.complete': 'Complete',
  'desktop.completeTask': 'Mark task “{title}” as done',
  'desktop.completed': 'Task “{title}” done',
  'desktop.noDeal': 'No deal',
  'desktop.newLead': '+ New lead',
  'desktop.openBoard': 'Open the pipeline',

  'lead.title': 'New lead',
  'lead.subtitle': 'Fill it in while the client is on the line: the card, the contact and the first timeline entry appear at once.',
  'lead.channel': 'Came from',
  'lead.name': 'Client name',
  'lead.phone': 'Phone',
  'lead.email': 'E-mail',
  'lead.company': 'Company',
  'lead.product': 'What they need',
  'lead.amount': 'Estimated budget, ₽',
  'lead.message': 'Request',
  'lead.submit': 'Create lead',
  'lead.busy': 'Creating…',
  'lead.created': 'Lead created: {title}',
  'lead.createdExisting': 'Lead created for a known contact: {title}',
  'lead.needContact': 'A phone or an e-mail is needed',
};

const dictionaries: Record<Lang, Record<Key, string>> = { ru, en };
const STORAGE_KEY = 'voronka.lang';

function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'ru' || v === 'en') return v;
  } catch {
    /* storage unavailable */
  }
  return 'ru';
}

let current: Lang = initialLang();
const listeners = new Set<(l: Lang) => void>();

export function lang(): Lang {
  return current;
}

export function locale(): string {
  return current === 'ru' ? 'ru-RU' : 'en-GB';
}

export function setLang(l: Lang) {
  if (l === current) return;
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* ignore */
  }
  document.documentElement.lang = l;
  listeners.forEach((fn) => fn(l));
}

export function onLangChange(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key: Key, params?: Record<string, string | number>): string {
  let s = dictionaries[current][key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** For keys built at run time (enum values); falls back to the raw value. */
export function tk(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const key = `${prefix}.${value}` as Key;
  return dictionaries[current][key] ?? value;
}

export const LOST_REASON_KEYS: Key[] = ['lost.postponed', 'lost.decision', 'lost.noTime', 'lost.competitor', 'lost.choosing'];
