/**
 * The grid's UNITER audit filter: all images, or only those with flags (any, likely
 * missing, doubtful). Choosing a flag filter while the grid is sorted by name also sorts it
 * most suspicious first, since the point of the audit is to fix the worst images first; the
 * sort menu can still change it afterwards.
 */
import type { ImageQuery } from '../../../src-main/shared/api';

type Audit = ImageQuery['audit'];
type Sort = ImageQuery['sort'];

const OPTIONS: { value: Exclude<Audit, undefined> | ''; label: string }[] = [
  { value: '', label: 'Audit: all' },
  { value: 'flagged', label: 'Audit: flagged' },
  { value: 'missing', label: 'Audit: likely missing' },
  { value: 'doubtful', label: 'Audit: doubtful' },
];

export function AuditFilter({
  audit,
  sort,
  onChange,
}: {
  audit: Audit;
  sort: Sort;
  onChange: (p: { audit: Audit; sort?: Sort }) => void;
}) {
  return (
    <select
      value={audit ?? ''}
      onChange={(e) => {
        const next = (e.target.value || undefined) as Audit;
        onChange(next && (sort ?? 'name') === 'name' ? { audit: next, sort: 'audit' } : { audit: next });
      }}
      data-testid="filter-audit"
      aria-label="Audit"
      title="UNITER label audit (run it from Pre-label with a UNITER pack): likely missing categories, doubtful annotations"
    >
      {OPTIONS.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
