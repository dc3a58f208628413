import { useEffect, useState } from 'react';
import type { CorrectionRow, ModelCorrectionRow } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { AuditCells, AuditHeads, auditTotals } from './AuditReportColumns';
import { errorMessage } from '../../../src-main/shared/rpc';
import { MaskSourceTable } from '../panels/MaskSourceTable';

const SERIES = [
  { key: 'acceptedUnchanged', label: 'Accepted unchanged', color: '#4caf7d' },
  { key: 'edited', label: 'Edited', color: '#e0a84a' },
  { key: 'rejected', label: 'Rejected', color: '#e05a5a' },
  { key: 'pending', label: 'Pending', color: '#7b8394' },
  { key: 'humanAdded', label: 'Added by hand', color: '#5a9be0' },
] as const;

/** How much people corrected the models, per category (`report.corrections`) and per model (`report.correctionsByModel`). */
export function ReportScreen() {
  const { client, toast, dataVersion } = useApp();
  const [rows, setRows] = useState<CorrectionRow[] | null>(null);
  const [byModel, setByModel] = useState<ModelCorrectionRow[] | null>(null);
  useEffect(() => {
    client.call('report.corrections', {}).then(setRows, (e) => toast(errorMessage(e), 'error'));
    client.call('report.correctionsByModel', {}).then(setByModel, (e) => toast(errorMessage(e), 'error'));
  }, [client, toast, dataVersion]);

  if (!rows) return <div className="empty">Loading…</div>;
  const totals = SERIES.map((s) => rows.reduce((n, r) => n + r[s.key], 0));
  return (
    <div className="page">
      <h2>Correction report</h2>
      <p className="muted">
        Model output is immutable, so every decision is measured against what the model said.
      </p>
      <table className="table" data-testid="report-table">
        <thead>
          <tr>
            <th>Category</th>
            <DecisionHeads />
            <th className="num">Added by hand</th>
            <AuditHeads />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.categoryId} data-testid="report-row" data-name={r.name}>
              <td>{r.name}</td>
              <DecisionCells r={r} />
              <td className="num">{r.humanAdded}</td>
              <AuditCells r={r} />
            </tr>
          ))}
          <tr className="total">
            <td>Total</td>
            <td className="num">{rows.reduce((n, r) => n + r.predictions, 0)}</td>
            <td className="num">{totals[0]}</td>
            <td className="num">{totals[1]}</td>
            <td />
            <td className="num">{totals[2]}</td>
            <td className="num">{totals[3]}</td>
            <td className="num">{totals[4]}</td>
            <AuditCells r={auditTotals(rows)} />
          </tr>
        </tbody>
      </table>
      {byModel && <ByModelTable rows={byModel} />}
      <MaskSourceTable />
      <BarChart rows={rows} />
    </div>
  );
}

type Decisions = Pick<
  ModelCorrectionRow,
  'predictions' | 'acceptedUnchanged' | 'edited' | 'editedMeanIou' | 'rejected' | 'pending'
>;

/** The columns both tables share: what happened to the model's predictions. */
function DecisionHeads() {
  return (
    <>
      <th className="num">Predictions</th>
      <th className="num">Accepted unchanged</th>
      <th className="num">Edited</th>
      <th className="num" title="Mean IoU between the predicted and the final box, over edited ones">
        Edited mean IoU
      </th>
      <th className="num">Rejected</th>
      <th className="num">Pending</th>
    </>
  );
}

function DecisionCells({ r }: { r: Decisions }) {
  return (
    <>
      <td className="num">{r.predictions}</td>
      <td className="num">{r.acceptedUnchanged}</td>
      <td className="num">{r.edited}</td>
      <td className="num">{r.editedMeanIou != null ? r.editedMeanIou.toFixed(3) : '—'}</td>
      <td className="num">{r.rejected}</td>
      <td className="num">{r.pending}</td>
    </>
  );
}

/** The same figures per model pack; predictions whose run is gone count under "unknown model". */
function ByModelTable({ rows }: { rows: ModelCorrectionRow[] }) {
  return (
    <>
      <h3>By model</h3>
      {rows.length === 0 ? (
        <p className="muted">No model output yet.</p>
      ) : (
        <table className="table" data-testid="report-by-model">
          <thead>
            <tr>
              <th>Model</th>
              <DecisionHeads />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.packId ?? ''} data-testid="report-model-row" data-pack={r.packId ?? ''}>
                <td>{r.packId ?? <span className="muted">unknown model</span>}</td>
                <DecisionCells r={r} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Stacked horizontal bars, one per category: plain SVG. */
function BarChart({ rows }: { rows: CorrectionRow[] }) {
  const max = Math.max(1, ...rows.map((r) => SERIES.reduce((n, s) => n + r[s.key], 0)));
  const W = 720,
    labelW = 140,
    barH = 22,
    gap = 10,
    top = 30;
  const H = top + rows.length * (barH + gap) + 10;
  const scale = (W - labelW - 60) / max;
  return (
    <svg
      className="chart"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Corrections per category"
      data-testid="report-chart"
    >
      {SERIES.map((s, i) => (
        <g
          key={s.key}
          transform={`translate(${labelW + SERIES.slice(0, i).reduce((x, p) => x + p.label.length * 6.2 + 28, 0)}, 8)`}
        >
          <rect width={10} height={10} fill={s.color} />
          <text x={14} y={9} className="legend">
            {s.label}
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        let x = labelW;
        const y = top + i * (barH + gap);
        const total = SERIES.reduce((n, s) => n + r[s.key], 0);
        return (
          <g key={r.categoryId}>
            <text x={labelW - 8} y={y + barH / 2 + 4} textAnchor="end" className="axis">
              {r.name}
            </text>
            {SERIES.map((s) => {
              const w = r[s.key] * scale;
              const el =
                w > 0 ? (
                  <rect key={s.key} x={x} y={y} width={w} height={barH} fill={s.color}>
                    <title>{`${s.label}: ${r[s.key]}`}</title>
                  </rect>
                ) : null;
              x += w;
              return el;
            })}
            <text x={x + 6} y={y + barH / 2 + 4} className="axis">
              {total}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
