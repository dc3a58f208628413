/**
 * A category's UNITER audit threshold on the Categories screen, in rank_logit units (0 is a
 * 50 % match). Empty means the audit pack's default, which the placeholder shows; clearing
 * the field goes back to it (`audit.setThreshold` with null).
 */
import { useEffect, useState } from 'react';
import type { AuditCategoryRow } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { matchPercent } from '../panels/audit-format';

/** Every category's audit row (threshold and where it comes from), keyed by category id; re-read when `version` changes. */
export function useAuditCategories(
  version: number,
): [Map<number, AuditCategoryRow>, (r: AuditCategoryRow) => void] {
  const { client, toastError } = useApp();
  const [rows, setRows] = useState(new Map<number, AuditCategoryRow>());
  useEffect(() => {
    let live = true;
    // The counts alone: this screen lists no flags (a big project has hundreds of thousands).
    client.call('audit.report', { limit: 0 }).then(
      (r) => live && setRows(new Map(r.categories.map((c) => [c.categoryId, c]))),
      (e) => live && toastError(e),
    );
    return () => {
      live = false;
    };
  }, [client, version, toastError]);
  const put = (r: AuditCategoryRow) => setRows((m) => new Map(m).set(r.categoryId, r));
  return [rows, put];
}

export function AuditThresholdInput({
  categoryId,
  name,
  row,
  onSaved,
}: {
  categoryId: number;
  name: string;
  row: AuditCategoryRow | undefined;
  onSaved: (r: AuditCategoryRow) => void;
}) {
  const { client, toast, toastError } = useApp();
  const own = row?.thresholdSource === 'category' ? row.threshold : null;
  const [text, setText] = useState(own == null ? '' : String(own));
  useEffect(() => setText(own == null ? '' : String(own)), [own]);

  const save = async () => {
    const t = text.trim();
    const v = t === '' ? null : Number(t.replace('−', '-'));
    if (v != null && !Number.isFinite(v)) {
      setText(own == null ? '' : String(own));
      return toast(
        `Audit threshold of ${name}: "${t}" is not a number (rank_logit units, e.g. 0 or -1.5)`,
        'error',
      );
    }
    if (v === own) return;
    try {
      onSaved(await client.call('audit.setThreshold', { categoryId, threshold: v }));
    } catch (e) {
      toastError(e);
      setText(own == null ? '' : String(own));
    }
  };

  // Before any audit has scored the category, the default is whatever the audit pack will say: show no number.
  const packDefault = row?.thresholdSource === 'pack' && row.scoredImages > 0 ? row.threshold : null;
  return (
    <input
      className="narrow"
      inputMode="decimal"
      placeholder={packDefault != null ? String(packDefault) : 'pack default'}
      title={`UNITER audit threshold of ${name}, in rank_logit units: at or above it the category counts as present (likely missing without an annotation), below it an annotation is doubtful.${
        packDefault != null
          ? ` Empty: the audit pack's default, ${packDefault} (match ${matchPercent(packDefault)}).`
          : " Empty: the audit pack's default."
      }`}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => void save()}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      aria-label={`Audit threshold of ${name}`}
      data-testid="audit-threshold"
    />
  );
}
