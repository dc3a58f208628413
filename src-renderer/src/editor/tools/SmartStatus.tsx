/**
 * The Smart tool's status over the canvas (it takes no pointer input, so panning and zooming
 * go on under it): the embedding being computed, with a spinner, on the first use on an
 * image; then what the prompt does and the keys that finish it.
 */
import type { SmartState } from './smart-session';

export function SmartStatus({ state }: { state: SmartState }) {
  const { embedding, items, preview, busy, pack, embeddingMs } = state;
  if (!pack) return null;
  const points = items.filter((i) => i.kind === 'point').length;
  const box = items.some((i) => i.kind === 'box');
  return (
    <div className="smart-status" data-testid="smart-status" aria-live="polite">
      {embedding === 'computing' ? (
        <span className="smart-embedding" data-testid="smart-embedding" role="status">
          <span className="spinner" aria-hidden /> Computing image embedding…
        </span>
      ) : (
        <span
          className="muted"
          title={embeddingMs != null ? `Embedding ready in ${Math.round(embeddingMs)} ms` : undefined}
        >
          Smart · {pack}
        </span>
      )}
      {items.length === 0 ? (
        <span className="muted">Click: add · Alt+click: remove · drag: box</span>
      ) : (
        <>
          <span>
            {points} point{points === 1 ? '' : 's'}
            {box ? ' + box' : ''}
          </span>
          {busy ? (
            <span data-testid="smart-busy">
              <span className="spinner small" aria-hidden /> segmenting…
            </span>
          ) : (
            preview && <span className="mono">score {preview.score.toFixed(2)}</span>
          )}
          <span className="muted">
            <kbd>Enter</kbd> add · <kbd>Backspace</kbd> undo point · <kbd>Esc</kbd> cancel
          </span>
        </>
      )}
    </div>
  );
}
