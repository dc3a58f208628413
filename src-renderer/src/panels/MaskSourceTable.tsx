import { useEffect, useState } from 'react';
import type { MaskSourceRow } from '../../../src-main/shared/api';
import { errorMessage } from '../../../src-main/shared/rpc';
import { useApp } from '../app-context';

const SOURCE_LABEL: Record<MaskSourceRow['source'], string> = { sam: 'SAM (box prompt)', groupvit: 'GroupViT (class mask cut to box)' };

type Figures = Omit<MaskSourceRow, 'categoryId' | 'name' | 'source'>;

/**
 * The report screen's comparison of instance-mask sources (`report.maskSources`): per
 * category, what people did with SAM-refined masks against GroupViT-fused ones. Shown only
 * when the project has masks from both, since there is nothing to compare otherwise.
 */
export function MaskSourceTable() {
  const { client, toast, dataVersion } = useApp();
  const [rows, setRows] = useState<MaskSourceRow[] | null>(null);
  useEffect(() => {
    client.call('report.maskSources', {}).then(setRows, (e) => toast(errorMessage(e), 'error'));
  }, [client, toast, dataVersion]);

  if (!rows || !rows.some((r) => r.source === 'sam') || !rows.some((r) => r.source === 'groupvit')) return null;
  const totals = (['sam', 'groupvit'] as const).map((source) => ({ source, ...sum(rows.filter((r) => r.source === source)) }));
  return (
    <>
      <h3>Instance masks: SAM against GroupViT</h3>
      <p className="muted">
        Masks the boxes got in pre-labeling, by where they came from. Edited mean mask IoU compares the model’s mask with the final one.
      </p>
      <table className="table" data-testid="report-mask-sources">
        <thead>
          <tr>
            <th>Category</th>
            <th>Mask source</th>
            <th className="num">Masks</th>
            <th className="num">Accepted unchanged</th>
            <th className="num">Edited</th>
            <th className="num" title="Mean IoU between the model's mask and the final mask, over edited ones">
              Edited mean mask IoU
            </th>
            <th className="num">Rejected</th>
            <th className="num">Pending</th>
            <th className="num" title="Accepted unchanged, of the masks people decided on (accepted, edited or rejected)">
              Kept as is
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.categoryId}:${r.source}`} data-testid="mask-source-row" data-name={r.name} data-source={r.source}>
              <td>{r.name}</td>
              <td>{SOURCE_LABEL[r.source]}</td>
              <FigureCells r={r} />
            </tr>
          ))}
          {totals.map((t) => (
            <tr key={t.source} className="total" data-testid="mask-source-total" data-source={t.source}>
              <td>Total</td>
              <td>{SOURCE_LABEL[t.source]}</td>
              <FigureCells r={t} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function FigureCells({ r }: { r: Figures }) {
  const decided = r.acceptedUnchanged + r.edited + r.rejected;
  return (
    <>
      <td className="num">{r.masks}</td>
      <td className="num">{r.acceptedUnchanged}</td>
      <td className="num">{r.edited}</td>
      <td className="num">{r.editedMeanMaskIou != null ? r.editedMeanMaskIou.toFixed(3) : '—'}</td>
      <td className="num">{r.rejected}</td>
      <td className="num">{r.pending}</td>
      <td className="num">{decided ? `${Math.round((100 * r.acceptedUnchanged) / decided)}%` : '—'}</td>
    </>
  );
}

/** One source's figures over its categories; the mean IoU weighted by each category's edited count. */
function sum(rows: MaskSourceRow[]): Figures {
  const edited = rows.reduce((n, r) => n + r.edited, 0);
  const iou = rows.reduce((n, r) => n + (r.editedMeanMaskIou ?? 0) * r.edited, 0);
  return {
    masks: rows.reduce((n, r) => n + r.masks, 0),
    acceptedUnchanged: rows.reduce((n, r) => n + r.acceptedUnchanged, 0),
    edited,
    editedMeanMaskIou: edited ? iou / edited : null,
    rejected: rows.reduce((n, r) => n + r.rejected, 0),
    pending: rows.reduce((n, r) => n + r.pending, 0),
  };
}
