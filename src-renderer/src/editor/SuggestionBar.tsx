/**
 * The strip under the canvas that shows the categories a Pix2seq pack suggests for the
 * selected box (suggestions.ts), with the keys that take them. It is there only while the
 * project's settings turn suggestions on, and keeps its height then, so the canvas does not
 * jump as answers come and go.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { RpcClient } from '../../../src-main/shared/rpc';
import type { EditorStore } from './store';
import { attachSuggestions, Suggestions } from './suggestions';
import { actionById, keysOf, type KeyScheme } from './actions';
import { prettyChord } from './actions/keys';

export function SuggestionBar({ client, store, scheme }: { client: RpcClient; store: EditorStore; scheme: KeyScheme }) {
  const model = useMemo(() => new Suggestions(client, store), [client, store]);
  useEffect(() => {
    const detach = attachSuggestions(store, model);
    const off = store.subscribe(model.update);
    void model.configure();
    return () => {
      off();
      detach();
      model.close();
    };
  }, [store, model]);
  const v = useSyncExternalStore(model.subscribe, model.get);
  if (v.status === 'off') return null;

  const keyOf = (rank: number) => prettyChord(keysOf(actionById(`suggest.${rank + 1}`), scheme)[0]);
  return (
    <div className="suggestion-bar" data-testid="suggestion-bar" data-status={v.status} aria-live="polite">
      <span className="muted">Suggested:</span>
      {v.status === 'none' && <span className="muted">draw or select a box</span>}
      {v.status === 'loading' && <span className="muted">…</span>}
      {v.status === 'error' && <span className="error">{v.error}</span>}
      {v.status === 'ready' && v.items.length === 0 && <span className="muted">no category matches the pack’s classes</span>}
      {v.status === 'ready' &&
        v.items.map((s, i) => (
          <button
            key={s.categoryId}
            className={i === 0 ? 'suggestion top' : 'suggestion'}
            data-testid="suggestion"
            data-category={s.name}
            title={`Give the box the category ${s.name}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => store.capture('record', 'Relabel (suggested)', () => model.pick(i))}
          >
            <kbd>{keyOf(i)}</kbd> {s.name} <span className="mono">{percent(s.probability)}</span>
          </button>
        ))}
    </div>
  );
}

/** 0.004 reads as "<1%", not as a 0% the model did not say. */
function percent(p: number): string {
  return p > 0 && p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`;
}
