// The shipped scoring model (processes/scoring/it_studio.yaml) writes its hints in Russian
// only; the server passes them on as plain strings. For the English interface this is the
// English of each shipped hint, looked up by its Russian text: a hint the head of sales has
// reworded (or a {ru, en} hint) is shown as the server sends it.

import { lang, loc } from './i18n';
import type { Text2 } from './types';

const EN: Record<string, string> = {
  'Бюджет меньше 300 000 ₽ и клиент не готов его поднять даже на первый этап.': 'The budget is under 300,000 ₽ and the client will not raise it even for a first phase.',
  'Нужны не разработка и не поддержка (только SMM, реклама, железо, 1С-франчайзи и т. п.).': 'They need neither development nor support (only social media, ads, hardware, a 1C franchisee, etc.).',
  'Срок нельзя выполнить даже урезанным MVP, а двигать его клиент отказывается.': 'The deadline cannot be met even with a cut-down MVP, and the client refuses to move it.',
  'Посредник, который перепродаёт работу, или закупка только через тендер по минимальной цене.': 'A middleman reselling the work, or procurement only by a lowest-price tender.',
  'Хамство, угрозы, требование работать бесплатно «на пробу», неуважение к команде.': 'Rudeness, threats, demands to work for free "as a trial", disrespect for the team.',
  'Серая или незаконная тематика, проект, который нельзя показать в портфолио и стыдно делать.': 'A grey or illegal business, a project we could not show in the portfolio and would be ashamed to do.',
  'Бюджет на грани минимума, торг за каждую позицию.': 'The budget is at the bare minimum, haggling over every item.',
  'Бюджет в пределах нашего среднего чека.': 'The budget is within our average deal size.',
  'Бюджет выше среднего чека или готовы платить за результат.': 'The budget is above our average deal, or they will pay for results.',
  'Разовая мелкая задача, продолжения не будет.': 'A small one-off task with no follow-up.',
  'Один проект среднего объёма.': 'One medium-sized project.',
  'Большой объём работ или несколько проектов подряд.': 'A large amount of work or several projects in a row.',
  'Маржа ниже нормы — много ручной работы, скидки, штрафы.': 'Margin below normal: much manual work, discounts, penalties.',
  'Обычная для нас маржа.': 'Our usual margin.',
  'Маржа выше нормы — типовые решения, готовые наработки.': 'Margin above normal: standard solutions, ready-made components.',
  'Сроки сжатые, нужна переработка или срочный найм.': 'Tight deadlines: overtime or urgent hiring needed.',
  'Сроки реальные, впритык.': 'Realistic deadlines, but tight.',
  'Сроки комфортные, есть запас.': 'Comfortable deadlines with room to spare.',
  'После сдачи проекта отношения закончатся.': 'The relationship ends when the project is delivered.',
  'Возможна поддержка после запуска.': 'Support after launch is possible.',
  'Планируют развитие продукта годами — поддержка, доработки, новые проекты.': 'They plan to grow the product for years: support, improvements, new projects.',
  'Не наш профиль, проект размывает позиционирование студии.': 'Not our field; the project blurs the studio’s positioning.',
  'Смежная с нашим профилем задача.': 'A task next to our field.',
  'Ровно то, на чём мы специализируемся.': 'Exactly what we specialise in.',
  'Команды заняты, старт возможен не раньше чем через месяц.': 'The teams are busy; we could start in a month at the earliest.',
  'Сможем начать, сдвинув внутренние задачи.': 'We can start by moving internal work.',
  'Есть свободная команда, стартуем сразу.': 'A team is free; we start at once.',
  'Похожих проектов и отрасли у нас не было.': 'We have done no similar projects and not worked in this industry.',
  'Был похожий проект или опыт в отрасли.': 'We had a similar project or experience in the industry.',
  'Несколько похожих кейсов в этой отрасли, есть что показать.': 'Several similar cases in this industry, with work to show.',
  'Стек нам чужой, придётся искать людей.': 'The stack is foreign to us; we would have to find people.',
  'Стек знаком частично.': 'We know part of the stack.',
  'Наш основной стек.': 'Our main stack.',
  'Проект под NDA или им нельзя похвастаться.': 'The project is under NDA or not one to show off.',
  'Обычный кейс для портфолио.': 'An ordinary portfolio case.',
  'Известный бренд или яркий кейс, который приведёт новых клиентов.': 'A known brand or a striking case that will bring new clients.',
  'Завышенные ожидания, спорит с очевидным, не слышит аргументов.': 'Inflated expectations; argues with the obvious, does not listen.',
  'Обычный деловой разговор.': 'An ordinary business conversation.',
  'Слышит экспертизу, договороспособен, уважает наше время.': 'Listens to expertise, can reach agreements, respects our time.',
  'Не понимает, как устроена разработка, всё придётся объяснять с нуля.': 'Does not know how development works; everything must be explained from scratch.',
  'Базовое понимание, термины знакомы.': 'Basic understanding; knows the terms.',
  'Разбирается в digital — метрики, процессы, этапы разработки.': 'Knows digital: metrics, processes, development stages.',
  'Брифа нет, задача сформулирована в двух словах.': 'No brief; the task is put in a few words.',
  'Бриф есть, но с пробелами.': 'There is a brief, with gaps.',
  'Подробный бриф или ТЗ, понятны цели и метрики.': 'A detailed brief or specification; goals and metrics are clear.',
  'ЛПР неизвестен или к нему не пускают.': 'The decision maker is unknown or out of reach.',
  'Общаемся с тем, кто влияет на решение.': 'We talk to someone who influences the decision.',
  'Общаемся с ЛПР напрямую.': 'We talk to the decision maker directly.',
  'Отвечает через дни, переносит созвоны.': 'Answers after days, reschedules calls.',
  'Отвечает в течение дня.': 'Answers within a day.',
  'Отвечает быстро, сам предлагает следующий шаг.': 'Answers quickly and proposes the next step.',
};

/** A scoring hint in the interface language (see above). */
export function hintText(x: Text2 | null | undefined): string {
  if (typeof x === 'string' && lang() === 'en') return EN[x.trim()] ?? x;
  return loc(x);
}
