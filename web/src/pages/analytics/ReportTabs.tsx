// The reports' own tabs (one "Отчёты" entry in the header keeps it short): funnel, monitor,
// regulation.

import { t } from '../../i18n';
import { Link } from '../../router';

const TABS = [
  { href: '/funnel', key: 'nav.funnel' },
  { href: '/monitor', key: 'nav.monitor' },
  { href: '/deviations', key: 'nav.deviations' },
] as const;

export function ReportTabs({ path }: { path: string }) {
  return (
    <nav class="report-tabs" aria-label={t('nav.reports')}>
      {TABS.map((tab) => (
        <Link href={tab.href} class={path === tab.href ? 'report-tab active' : 'report-tab'} aria-current={path === tab.href ? 'page' : undefined}>
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  );
}
