// Pages that are not the first screen of the day (reports, settings, the site form) are
// separate chunks, loaded when first opened, so that the board and the desktop start sooner.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { Banner, Spinner } from './ui';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function LazyPage(props: P) {
    const [page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (page) return;
      let live = true;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          if (live) setPage(() => c);
        },
        () => {
          pending = null;  // a later visit tries again
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (failed) return <Banner>{t('err.network')}</Banner>;
    if (!page) return <Spinner label={t('common.loading')} />;
    const Page = page;
    return <Page {...props} />;
  };
}
