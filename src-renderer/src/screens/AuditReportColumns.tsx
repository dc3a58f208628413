/**
 * The correction report's UNITER audit columns, per category: images where the category is
 * likely missing, and its annotations the audit doubts (flags as they stand now; 0 without an
 * audit). The lists themselves are in the grid's Audit filter and `labelwright audit report`.
 */
import type { CorrectionRow } from '../../../src-main/shared/api';
import { AUDIT_KIND_LABEL, AUDIT_KIND_WHY } from '../panels/audit-format';

type AuditCounts = Pick<CorrectionRow, 'auditLikelyMissing' | 'auditDoubtful'>;

export function AuditHeads() {
  return (
    <>
      <th className="num audit-col" title={`UNITER audit. ${AUDIT_KIND_WHY.missing}`}>
        {AUDIT_KIND_LABEL.missing}
      </th>
      <th className="num" title={`UNITER audit. ${AUDIT_KIND_WHY.doubtful}`}>
        {AUDIT_KIND_LABEL.doubtful}
      </th>
    </>
  );
}

export function AuditCells({ r }: { r: AuditCounts }) {
  return (
    <>
      <td className="num audit-col" data-testid="report-audit-missing">
        {r.auditLikelyMissing}
      </td>
      <td className="num" data-testid="report-audit-doubtful">
        {r.auditDoubtful}
      </td>
    </>
  );
}

export function auditTotals(rows: AuditCounts[]): AuditCounts {
  return {
    auditLikelyMissing: rows.reduce((n, r) => n + r.auditLikelyMissing, 0),
    auditDoubtful: rows.reduce((n, r) => n + r.auditDoubtful, 0),
  };
}
