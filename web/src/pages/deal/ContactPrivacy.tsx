// A person's data on request (admin, head of sales): "Export data" downloads everything held
// about the card's contact (GET /api/contacts/{id}/export, a JSON file); "Erase personal data"
// asks for confirmation, then POST /api/contacts/{id}/erase — the deal keeps its money and stage.

import { useState } from 'preact/hooks';
import { post } from '../../api';
import { errorText } from '../../components/ui';
import { t } from '../../i18n';
import { meta, toast } from '../../store';
import type { Contact } from '../../types';

type ErasedContact = Contact & { erased_at?: string | null };

export function ContactPrivacy({ contact, onErased }: { contact: ErasedContact; onErased: (c: Contact) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const role = meta.me?.role;
  if (role !== 'admin' && role !== 'head') return null;
  if (contact.erased_at) return <p class="muted">{t('privacy.erased')}</p>;

  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ contact: Contact }>(`/api/contacts/${contact.id}/erase`, { version: contact.version });
      setConfirming(false);
      toast(t('privacy.erasedToast'));
      onErased(res.contact);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="contact-privacy" style={{ display: 'flex', flexWrap: 'wrap', gap: '8px', marginTop: '8px' }}>
      <a class="btn btn-small" href={`/api/contacts/${contact.id}/export`} download>
        {t('privacy.export')}
      </a>
      {!confirming ? (
        <button type="button" class="btn btn-small btn-ghost" onClick={() => setConfirming(true)}>
          {t('privacy.erase')}
        </button>
      ) : (
        <div role="alertdialog" aria-labelledby={`erase-q-${contact.id}`}>
          <p id={`erase-q-${contact.id}`}>{t('privacy.eraseConfirm', { name: contact.name })}</p>
          <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => void erase()}>
            {t('privacy.eraseYes')}
          </button>
          <button type="button" class="btn btn-small btn-ghost" disabled={busy} onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {error && (
        <p class="cal-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
