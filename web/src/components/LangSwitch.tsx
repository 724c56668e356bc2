import { setLang, t, type Lang } from '../i18n';

export function LangSwitch({ lang: current }: { lang: Lang }) {
  return (
    <div class="lang-switch" role="group" aria-label={t('header.language')}>
      {(['ru', 'en'] as Lang[]).map((l) => (
        <button
          type="button"
          class="lang-btn"
          aria-pressed={current === l}
          lang={l}
          title={l === 'ru' ? 'Русский' : 'English'}
          onClick={() => setLang(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
