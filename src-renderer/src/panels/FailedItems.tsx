import { useEffect, useState } from 'react';
import type { JobItemInfo } from '../../../src-main/shared/api';
import { useApp } from '../app-context';

/** Shown at most; the CLI (`labelwright jobs show`) lists them all. */
const SHOWN = 100;

/**
 * A job's failed images with their reasons (jobs.items); a click opens the image. Re-read
 * whenever the job's failed count changes (progress events carry it).
 */
export function FailedItems({ jobId, failed }: { jobId: number; failed: number }) {
  const { client, openImage, toastError } = useApp();
  const [items, setItems] = useState<JobItemInfo[] | null>(null);
  useEffect(() => {
    if (!failed) return setItems([]);
    let live = true;
    client.call('jobs.items', { jobId, state: 'failed' }).then(
      (r) => live && setItems(r),
      (e) => live && toastError(e),
    );
    return () => {
      live = false;
    };
  }, [client, jobId, failed, toastError]);
  if (!failed) return null;
  return (
    <details className="failed-items" open data-testid="failed-items">
      <summary>
        {failed} image{failed === 1 ? '' : 's'} failed — why:
      </summary>
      {items == null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul>
          {items.slice(0, SHOWN).map((it) => (
            <li key={it.imageId} data-testid="failed-item" data-image-id={it.imageId}>
              <button className="link mono" onClick={() => openImage(it.imageId)} title="Open this image">
                {it.name}
              </button>
              <span className="reason">{it.error ?? 'no reason recorded'}</span>
            </li>
          ))}
          {items.length > SHOWN && (
            <li className="muted">
              … and {items.length - SHOWN} more (<span className="mono">labelwright jobs show</span> lists them all)
            </li>
          )}
        </ul>
      )}
    </details>
  );
}
