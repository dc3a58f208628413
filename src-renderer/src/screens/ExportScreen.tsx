import { useEffect, useState } from 'react';
import type { ExportRequest, ExportSummary } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { errorMessage } from '../../../src-main/shared/rpc';
import { PickButton } from '../panels/PickButton';

type Opts = Required<Omit<ExportRequest, 'path'>>;

/** COCO export: options, a preview of the counts (`export.preview`), then write. */
export function ExportScreen() {
  const { client, session, toast, dataVersion } = useApp();
  const [opts, setOpts] = useState<Opts>({
    format: 'instances',
    segmentation: 'rle',
    reviewedOnly: false,
    include: 'accepted',
  });
  const [path, setPath] = useState(
    () => (session?.project?.path ?? 'export.lw').replace(/\.lw$/i, '') + '.coco.json',
  );
  const [preview, setPreview] = useState<ExportSummary | null>(null);
  const [written, setWritten] = useState<{
    path: string;
    bytes: number;
    annotations: number;
    images: number;
  } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setPreview(null);
    client.call('export.preview', opts).then(
      (r) => live && setPreview(r),
      (e) => live && toast(errorMessage(e), 'error'),
    );
    return () => {
      live = false;
    };
  }, [client, opts, dataVersion, toast]);

  const set = (p: Partial<Opts>) => setOpts((o) => ({ ...o, ...p }));
  const write = async () => {
    setBusy(true);
    setWritten(null);
    try {
      const r = await client.call('export.coco', { ...opts, path });
      setWritten(r);
      toast(`Exported ${r.annotations} annotations`);
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page narrow-page">
      <h2>Export COCO</h2>
      <div className="form-grid">
        <span>Format</span>
        <div className="seg">
          <button
            className={opts.format === 'instances' ? 'on' : ''}
            onClick={() => set({ format: 'instances' })}
            data-testid="fmt-instances"
          >
            Instances (dataset)
          </button>
          <button
            className={opts.format === 'results' ? 'on' : ''}
            onClick={() => set({ format: 'results' })}
            data-testid="fmt-results"
          >
            Results (detections with scores)
          </button>
        </div>
        <span>Masks</span>
        <div className="seg">
          {(['rle', 'polygon', 'none'] as const).map((s) => (
            <button
              key={s}
              className={opts.segmentation === s ? 'on' : ''}
              onClick={() => set({ segmentation: s })}
            >
              {s === 'rle' ? 'RLE' : s === 'polygon' ? 'Polygons' : 'Boxes only'}
            </button>
          ))}
        </div>
        <span>Images</span>
        <div className="seg">
          <button className={!opts.reviewedOnly ? 'on' : ''} onClick={() => set({ reviewedOnly: false })}>
            All
          </button>
          <button
            className={opts.reviewedOnly ? 'on' : ''}
            onClick={() => set({ reviewedOnly: true })}
            data-testid="reviewed-only"
          >
            Reviewed only
          </button>
        </div>
        <span>Annotations</span>
        <div className="seg">
          <button
            className={opts.include === 'accepted' ? 'on' : ''}
            onClick={() => set({ include: 'accepted' })}
          >
            Accepted
          </button>
          <button
            className={opts.include === 'pending' ? 'on' : ''}
            onClick={() => set({ include: 'pending' })}
          >
            Accepted + pending
          </button>
        </div>
        <span>File</span>
        <div className="row">
          <input
            className="wide mono"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            data-testid="export-path"
            spellCheck={false}
          />
          <PickButton purpose="exportCoco" onPick={setPath} />
        </div>
      </div>
      <div className="summary" data-testid="export-preview">
        {preview ? (
          <>
            <b>{preview.images}</b> images · <b>{preview.annotations}</b> annotations ·{' '}
            <b>{preview.categories}</b> categories
          </>
        ) : (
          'Counting…'
        )}
      </div>
      {preview && preview.reviewedWithPending > 0 && (
        // Projects from before "review means decided" can hold reviewed images with
        // undecided predictions: say what this export does with them before it is written.
        <p className="warning" role="alert" data-testid="export-reviewed-pending">
          {preview.reviewedWithPendingNote}
        </p>
      )}
      <button
        className="primary"
        disabled={busy || !path.trim()}
        onClick={() => void write()}
        data-testid="export-write"
      >
        {busy ? 'Writing…' : 'Write COCO file'}
      </button>
      {written && (
        <p data-testid="export-result">
          Wrote <span className="mono">{written.path}</span> ({(written.bytes / 1024).toFixed(1)} KiB):{' '}
          {written.images} images, {written.annotations} annotations.
        </p>
      )}
    </div>
  );
}
