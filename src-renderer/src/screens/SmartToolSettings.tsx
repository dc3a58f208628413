/**
 * The project's sam pack for the editor's Smart tool (S): an installed sam pack, or automatic
 * (the first installed one). Stored in the project file (`project.settings`), beside the
 * suggestion settings.
 */
import { useEffect, useState } from 'react';
import type { PackInfo, ProjectSettings } from '../../../src-main/shared/api';
import { errorMessage } from '../../../src-main/shared/rpc';
import { useApp } from '../app-context';

export function SmartToolSettings({ packs }: { packs: PackInfo[] }) {
  const { client, toast, session } = useApp();
  const [samPack, setSamPack] = useState<ProjectSettings['samPack'] | undefined>(undefined);
  const hasProject = session?.project != null;
  useEffect(() => {
    if (!hasProject) return;
    client.call('project.settings', {}).then(
      (s) => setSamPack(s.samPack),
      (e) => toast(errorMessage(e), 'error'),
    );
  }, [client, toast, hasProject]);
  if (!hasProject || samPack === undefined) return null;

  const choices = packs.filter((p) => p.kind === 'sam' && p.installed);
  const save = (value: string | null) => {
    const before = samPack;
    setSamPack(value);
    client.call('project.setSettings', { samPack: value }).then(
      (s) => setSamPack(s.samPack),
      (e) => {
        setSamPack(before);
        toast(errorMessage(e), 'error');
      },
    );
  };
  return (
    <>
      <h3>Smart tool in the editor</h3>
      <p className="muted">
        A Segment Anything pack turns clicks and boxes into masks (S in the editor: click to add, Alt+click to
        remove, drag a box, Enter to add the mask).
      </p>
      <div className="row">
        <label className="inline">
          Pack{' '}
          <select data-testid="sam-pack" value={samPack ?? ''} onChange={(e) => save(e.target.value || null)}>
            <option value="">automatic (the first installed SAM pack)</option>
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName} ({p.id})
              </option>
            ))}
            {samPack && !choices.some((p) => p.id === samPack) && (
              <option value={samPack}>{samPack} (not installed)</option>
            )}
          </select>
        </label>
        {choices.length === 0 && (
          <span className="muted">No SAM pack installed: download one above, or import one below.</span>
        )}
      </div>
    </>
  );
}
