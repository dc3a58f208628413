/**
 * The open image's UNITER audit flags (`audit.image`), beside the annotation list. A
 * likely-missing flag, clicked, makes its category the one new shapes get; a doubtful flag
 * selects that category's annotations, so they can be checked, relabelled or rejected.
 * Flags are worked out on the server from the annotations as saved, so the panel reads them
 * again after every save (dataVersion): a fixed flag goes away.
 */
import { useEffect, useState } from 'react';
import type { AuditFlag, ImageAudit } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { useEditor } from '../editor/useEditor';
import { selectable } from '../editor/view-state';
import { focusCanvas } from './focus-canvas';
import { AUDIT_KIND_LABEL, AUDIT_KIND_WHY, formatLogit, matchPercent } from './audit-format';

export function AuditFlags() {
  const { client, store, dataVersion, toastError } = useApp();
  const s = useEditor(store);
  const imageId = s.imageId;
  const [audit, setAudit] = useState<{ imageId: number; data: ImageAudit } | null>(null);

  useEffect(() => {
    if (imageId == null) return;
    let live = true;
    client.call('audit.image', { imageId }).then(
      (data) => live && setAudit({ imageId, data }),
      (e) => live && toastError(e),
    );
    return () => {
      live = false;
    };
  }, [client, imageId, dataVersion, toastError]);

  // Until the open image's answer comes, show nothing rather than the last image's flags.
  const data = audit && audit.imageId === imageId ? audit.data : null;
  if (!data || !data.scores.some((x) => x.rankLogit != null)) return null;

  const act = (f: AuditFlag) => {
    if (f.kind === 'missing') {
      // Not store.relabel: that would also relabel whatever is selected.
      store.set({ drawCategoryId: f.categoryId, selectedIds: [] });
      store.info(`New shapes: ${f.name}`);
    } else {
      const ids = s.annotations
        .filter(
          (a) =>
            a.categoryId === f.categoryId &&
            (a.state === 'accepted' || a.state === 'pending') &&
            selectable(s, a),
        )
        .map((a) => a.id);
      if (ids.length) store.set({ selectedIds: ids });
      else store.info(`Every ${f.name} here is hidden or locked: show or unlock it first`);
    }
    focusCanvas(); // keys (R, Enter, ⌫) act at once
  };

  return (
    <section className="audit-flags" data-testid="audit-flags" aria-label="Audit flags">
      <h3 title="UNITER's label audit: categories its text matching finds missing, or doubts">
        Audit <span className="muted">{data.flags.length || '· no flags'}</span>
      </h3>
      {data.flags.map((f) => (
        <button
          key={`${f.kind}:${f.categoryId}`}
          className={`audit-flag audit-${f.kind}`}
          onClick={() => act(f)}
          data-testid="audit-flag"
          data-kind={f.kind}
          data-category={f.name}
          title={`${AUDIT_KIND_WHY[f.kind]}\nrank_logit ${f.rankLogit.toFixed(3)} (raw UNITER score), threshold ${f.threshold.toFixed(3)}; match = sigmoid(rank_logit).\n${
            f.kind === 'missing' ? 'Click: new shapes get this category.' : 'Click: select its annotations.'
          }`}
        >
          <span className="audit-flag-head">
            <span className="audit-kind">{AUDIT_KIND_LABEL[f.kind]}:</span>
            <span className="swatch" style={{ background: store.category(f.categoryId)?.color }} />
            <span className="audit-name">{f.name}</span>
          </span>
          {/* Three parts that each stay whole; a narrow panel wraps between them. */}
          <span className="audit-score mono" data-testid="audit-score">
            <span>logit {formatLogit(f.rankLogit)}</span> · <span>match {matchPercent(f.rankLogit)}</span> ·{' '}
            <span>threshold {formatLogit(f.threshold)}</span>
          </span>
        </button>
      ))}
    </section>
  );
}
