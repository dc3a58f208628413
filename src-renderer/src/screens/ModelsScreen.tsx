import { useCallback, useEffect, useState } from 'react';
import type { EpInfo, PackInfo } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { errorMessage } from '../../../src-main/shared/rpc';
import { PickButton } from '../panels/PickButton';
import { SuggestionSettings } from './SuggestionSettings';
import { SmartToolSettings } from './SmartToolSettings';

type Verify = { role: string; ok: boolean; reason?: string }[];

/** Model packs: list, download with progress, verify, import a folder, remove. */
export function ModelsScreen() {
  const { client, toast } = useApp();
  const [packs, setPacks] = useState<PackInfo[]>([]);
  const [ep, setEp] = useState<EpInfo | null>(null);
  const [progress, setProgress] = useState<
    Record<string, { file: string; bytes: number; total: number | null }>
  >({});
  const [verify, setVerify] = useState<Record<string, Verify>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [folder, setFolder] = useState('');

  const load = useCallback(() => {
    client.call('models.list', {}).then(
      (r) => {
        setPacks(r.packs);
        setEp(r.executionProvider);
      },
      (e) => toast(errorMessage(e), 'error'),
    );
  }, [client, toast]);
  useEffect(load, [load]);
  useEffect(
    () => client.on('models.downloadProgress', (p) => setProgress((m) => ({ ...m, [p.id]: p }))),
    [client],
  );

  const run = async (id: string, f: () => Promise<unknown>, ok: string) => {
    setBusy(id);
    try {
      await f();
      if (ok) toast(ok);
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(null);
      load();
    }
  };

  const verifyPack = (id: string) =>
    client.call('models.verify', { id }).then(
      (r) => setVerify((m) => ({ ...m, [id]: r })),
      (e) => toast(errorMessage(e), 'error'),
    );

  const download = (p: PackInfo) => {
    if (
      p.licenseNotice &&
      !confirm(`${p.displayName}\n\n${p.licenseNotice}\n\nAccept the licence (${p.license}) and download?`)
    )
      return;
    void run(
      p.id,
      () => client.call('models.download', { id: p.id, acceptLicense: true }),
      `${p.displayName} installed`,
    );
  };

  return (
    <div className="page">
      <h2>Models</h2>
      <p className="muted">
        Execution provider in use: <b>{ep?.provider.toUpperCase() ?? '…'}</b> {ep?.reason && `— ${ep.reason}`}
      </p>
      <table className="table" data-testid="models-table">
        <thead>
          <tr>
            <th>Pack</th>
            <th>Kind</th>
            <th>Licence</th>
            <th className="num">Size</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {packs.map((p) => {
            const pr = progress[p.id];
            const v = verify[p.id];
            return (
              <tr key={p.id} data-testid="model-row" data-id={p.id}>
                <td>
                  <b>{p.displayName}</b> <span className="muted mono">{p.id}</span>{' '}
                  {p.fixture && <span className="badge">fixture</span>}{' '}
                  {p.source === 'user' && <span className="badge">imported</span>}
                </td>
                <td>{p.kind}</td>
                <td title={p.licenseNotice ?? ''}>
                  {p.license}
                  {p.licenseNotice && <div className="muted small">{p.licenseNotice}</div>}
                </td>
                <td className="num">{formatBytes(p.sizeBytes)}</td>
                <td>
                  {p.installed ? (
                    <span className="ok">installed</span>
                  ) : (
                    <span className="muted">missing {p.missing.length} file(s)</span>
                  )}
                  {busy === p.id && pr && (
                    <div className="progress small">
                      <div
                        className="bar"
                        style={{ width: `${pr.total ? (100 * pr.bytes) / pr.total : 50}%` }}
                      />
                      <span>
                        {pr.file} {(pr.bytes / 1e6).toFixed(1)}
                        {pr.total ? ` / ${(pr.total / 1e6).toFixed(1)}` : ''} MB
                      </span>
                    </div>
                  )}
                  {v && (
                    <ul className="verify">
                      {v.map((r) => (
                        <li key={r.role} className={r.ok ? 'ok' : 'error'}>
                          {r.ok ? '✓' : '✗'} {r.role} {r.reason}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <div className="actions">
                    {!p.installed && (
                      <button className="primary" disabled={busy != null} onClick={() => download(p)}>
                        Download
                      </button>
                    )}
                    <button disabled={busy != null} onClick={() => void verifyPack(p.id)}>
                      Verify
                    </button>
                    {p.installed && p.source === 'user' && (
                      <button
                        className="danger"
                        disabled={busy != null}
                        onClick={() =>
                          confirm(`Remove ${p.displayName}?`) &&
                          void run(p.id, () => client.call('models.remove', { id: p.id }), 'Removed')
                        }
                      >
                        Remove
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <SuggestionSettings packs={packs} />
      <SmartToolSettings packs={packs} />
      <h3>Import a pack folder</h3>
      <div className="row">
        <input
          className="wide"
          placeholder="/path/to/pack (with pack.json)"
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
        />
        <PickButton purpose="importModel" onPick={setFolder} />
        <button
          disabled={!folder.trim() || busy != null}
          onClick={() =>
            void run('import', () => client.call('models.import', { folder: folder.trim() }), 'Imported')
          }
        >
          Import
        </button>
      </div>
    </div>
  );
}

function formatBytes(b: number | null): string {
  if (b == null) return '—';
  if (b < 1e6) return `${(b / 1024).toFixed(0)} KB`;
  if (b < 1e9) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e9).toFixed(2)} GB`;
}
