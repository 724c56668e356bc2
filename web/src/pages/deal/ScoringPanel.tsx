// Scoring a lead: the hard knock-out criteria, then 3 blocks × 5 parameters scored −1/0/+1
// (the hint of the chosen value under each), with a live total and segment from the model's
// segments. POST /api/deals/{id}/score records it; the process routes the card by segment.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { post } from '../../api';
import { Banner, Spinner } from '../../components/ui';
import { loc, t } from '../../i18n';
import { effectText, processErrorText } from '../../process';
import { hintText } from '../../scoringHints';
import { loadScoringModel } from '../../store';
import type { Deal, ProcessResult, ScoringModel, ScoringResult, Task } from '../../types';

/**
 * Stages where the lead is scored: the form is there. Elsewhere the panel shows the score
 * only — scoring again routes the card by segment, which from a later stage would send it
 * back (the closing stage returns to scoring for that).
 */
const SCORING_STAGES = new Set(['screening', 'scoring']);

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

interface Props {
  deal: Deal;
  tasks: Task[] | null;
  /** The last scoring's block totals (process field score_blocks), if any. */
  blocks?: Record<string, unknown> | null;
  onResult: (r: ProcessResult & { scoring: ScoringResult }, message?: string) => void;
}

export function ScoringPanel({ deal, tasks, blocks, onResult }: Props) {
  const [model, setModel] = useState<ScoringModel | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [knockouts, setKnockouts] = useState<Record<string, boolean>>({});
  const [values, setValues] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ scoring: ScoringResult; effects: string[] } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const active = deal.status === 'open' && SCORING_STAGES.has(deal.stage);

  useEffect(() => {
    loadScoringModel()
      .then(setModel)
      .catch((e) => setLoadError(processErrorText(e)));
  }, []);

  const params = useMemo(() => model?.blocks.flatMap((b) => b.parameters) ?? [], [model]);
  const answered = params.filter((p) => values[p.code] !== undefined).length;
  const total = params.reduce((s, p) => s + (values[p.code] ?? 0), 0);
  const failed = Object.values(knockouts).some(Boolean);
  const segment = model?.segments.find((s) => total >= s.min && total <= s.max) ?? null;

  if (!active && !result && deal.score === null) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!model || busy) return;
    setError(null);
    const left = params.filter((p) => values[p.code] === undefined);
    if (left.length && !failed) {
      setError(t('scoring.incomplete', { n: left.length, names: left.map((p) => loc(p.name)).join(', ') }));
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[data-param="${left[0].code}"] input`)?.focus());
      return;
    }
    // With a failed knock-out the parameters do not matter; unanswered ones count as 0.
    const body = {
      knockouts: Object.fromEntries(model.knockouts.map((k) => [k.code, !!knockouts[k.code]])),
      values: Object.fromEntries(params.map((p) => [p.code, values[p.code] ?? 0])),
      version: deal.version,
    };
    setBusy(true);
    try {
      const res = await post<ProcessResult & { scoring: ScoringResult }>(`/api/deals/${deal.id}/score`, body);
      setResult({ scoring: res.scoring, effects: res.effects });
      onResult(res, t('scoring.saved', { total: signed(res.scoring.total) }));
    } catch (err) {
      setError(processErrorText(err));
    } finally {
      setBusy(false);
    }
  };

  const taskTitles = new Map((tasks ?? []).map((x) => [x.kind ?? '', x.title]));
  const resultSegment = result?.scoring.segment ? model?.segments.find((s) => s.code === result.scoring.segment) : null;

  return (
    <section class="panel scoring-panel" aria-labelledby="scoring-h" data-testid="scoring">
      <div class="scoring-head">
        <h2 id="scoring-h" tabIndex={-1}>
          {t('scoring.title')}
        </h2>
        {deal.score !== null && (
          <span class="scoring-current">
            {t('scoring.current')} <strong>{signed(deal.score)}</strong>
            {deal.segment && <span class={`badge seg-${deal.segment}`}>{deal.segment}</span>}
          </span>
        )}
      </div>

      {result && (
        <div class={`scoring-result${result.scoring.disqualified ? ' disq' : ''}`} role="status" data-testid="scoring-result">
          <p class="scoring-result-head">
            {result.scoring.disqualified
              ? t('scoring.resultKnockedOut')
              : t('scoring.result', { total: signed(result.scoring.total), segment: resultSegment ? loc(resultSegment.name) : t('common.none') })}
          </p>
          {resultSegment && <p class="muted">{loc(resultSegment.description)}</p>}
          <ul class="fx-list">
            {result.effects
              .map((x) => effectText(x, taskTitles))
              .filter(Boolean)
              .map((x) => (
                <li>{x}</li>
              ))}
          </ul>
        </div>
      )}

      {loadError && <Banner>{loadError}</Banner>}
      {!active && blocks && model && (
        <p class="block-totals">
          {model.blocks.map((b) => (
            <span>
              {loc(b.name)} <strong>{signed(Number(blocks[b.code] ?? 0))}</strong>
            </span>
          ))}
        </p>
      )}
      {active && !model && !loadError && <Spinner />}
      {active && model && (
        <form id="scoring-form" class="scoring-form" ref={formRef} onSubmit={submit} noValidate>
          <details class="knockouts" open={deal.stage === 'screening' || failed}>
            <summary>
              {t('scoring.knockouts')}
              {failed && <span class="ko-count"> · {t('scoring.failedCount', { n: Object.values(knockouts).filter(Boolean).length })}</span>}
            </summary>
            <fieldset>
              <legend class="sr-only">{t('scoring.knockouts')}</legend>
              <p class="field-hint">{t('scoring.knockoutsHint')}</p>
              {model.knockouts.map((k) => (
                <label class={`check ko${knockouts[k.code] ? ' ko-failed' : ''}`}>
                  <input type="checkbox" checked={!!knockouts[k.code]} onChange={(e) => setKnockouts((x) => ({ ...x, [k.code]: e.currentTarget.checked }))} />
                  <span>
                    <span class="ko-name">{loc(k.name)}</span>
                    <span class="ko-hint">{hintText(k.hint)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          </details>

          {model.blocks.map((b) => {
            const sum = b.parameters.reduce((s, p) => s + (values[p.code] ?? 0), 0);
            return (
              <fieldset class="score-block">
                <legend>
                  {loc(b.name)} <span class="block-sum">{signed(sum)}</span>
                </legend>
                {b.parameters.map((p) => {
                  const v = values[p.code];
                  const chosen = p.options.find((o) => o.value === v);
                  const hintId = `hint-${p.code}`;
                  return (
                    <fieldset class={`param${v === undefined ? '' : ' param-set'}`} data-param={p.code}>
                      <legend class="param-name">{loc(p.name)}</legend>
                      <div class="param-opts">
                        {p.options.map((o) => (
                          <label class={`score-opt score-${o.value}${v === o.value ? ' checked' : ''}`} title={hintText(o.hint)}>
                            <input
                              type="radio"
                              name={`sc-${p.code}`}
                              value={String(o.value)}
                              checked={v === o.value}
                              aria-describedby={hintId}
                              onChange={() => setValues((x) => ({ ...x, [p.code]: o.value }))}
                            />
                            <span>{signed(o.value)}</span>
                          </label>
                        ))}
                      </div>
                      <p class="param-hint" id={hintId}>
                        {chosen ? hintText(chosen.hint) : t('scoring.choose')}
                      </p>
                    </fieldset>
                  );
                })}
              </fieldset>
            );
          })}

          <div class="scoring-total" aria-live="polite" data-testid="scoring-total">
            {failed ? (
              <span class="ko-warning">{t('scoring.willFail')}</span>
            ) : (
              <>
                <span>
                  {t('scoring.total')} <strong class="total-num">{signed(total)}</strong>
                  <span class="muted"> ({signed(model.min_total)}…{signed(model.max_total)})</span>
                </span>
                {segment && answered > 0 && (
                  <span class={`badge seg-${segment.code}`} title={loc(segment.description)}>
                    {loc(segment.name)}
                  </span>
                )}
                <span class="muted">{t('scoring.answered', { n: answered, of: params.length })}</span>
              </>
            )}
          </div>
          {error && <Banner>{error}</Banner>}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('common.saving') : t('scoring.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
