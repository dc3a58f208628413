/**
 * The project's setting for category suggestions in the editor: which installed Pix2seq
 * pack suggests (none: no suggestion bar), and whether they show. Stored in the project
 * file (`project.settings`), so everyone who opens the project gets the same choice.
 */
import { useEffect, useState } from 'react';
import type { PackInfo, ProjectSettings } from '../../../src-main/shared/api';
import { errorMessage } from '../../../src-main/shared/rpc';
import { useApp } from '../app-context';

export function SuggestionSettings({ packs }: { packs: PackInfo[] }) {
  const { client, toast, session } = useApp();
  const [settings, setSettings] = useState<ProjectSettings | null>(null);
  const hasProject = session?.project != null;
  useEffect(() => {
    if (!hasProject) return;
    client.call('project.settings', {}).then(setSettings, (e) => toast(errorMessage(e), 'error'));
  }, [client, toast, hasProject]);
  if (!hasProject || !settings) return null;

  const choices = packs.filter((p) => p.kind === 'pix2seq' && p.installed);
  // Shown at once (a checkbox follows the click), then as the project stored it.
  const save = (patch: Partial<ProjectSettings>) => {
    const before = settings;
    setSettings({ ...settings, ...patch });
    return client.call('project.setSettings', patch).then(setSettings, (e) => {
      setSettings(before);
      toast(errorMessage(e), 'error');
    });
  };
  return (
    <>
      <h3>Category suggestions in the editor</h3>
      <p className="muted">
        A Pix2seq pack ranks the project’s categories for each box drawn or selected (Y takes the top one, Alt+1…3
        any of the three shown).
      </p>
      <div className="row">
        <label className="inline">
          Pack{' '}
          <select
            data-testid="suggest-pack"
            value={settings.suggestPack ?? ''}
            onChange={(e) => void save({ suggestPack: e.target.value || null })}
          >
            <option value="">none</option>
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName} ({p.id})
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            data-testid="suggest-on"
            checked={settings.suggestions}
            onChange={(e) => void save({ suggestions: e.target.checked })}
          />{' '}
          Show suggestions
        </label>
        {choices.length === 0 && <span className="muted">No Pix2seq pack installed (import one above).</span>}
      </div>
    </>
  );
}
