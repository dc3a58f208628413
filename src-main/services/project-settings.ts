/**
 * The project's own settings (ProjectSettings in shared/api.ts): read with their defaults,
 * changed in one transaction. What a value must be beyond its type (an installed pack of the
 * right kind) is checked by the caller that can see the model packs (app/session.ts).
 */
import { ProjectSettings } from '../shared/api';
import type { ProjectDb } from '../db/project-db';
import { putSetting, settingValues } from '../db/project-settings-table';

export function readProjectSettings(pdb: ProjectDb): ProjectSettings {
  const stored = settingValues(pdb);
  // A key this version does not know (a newer app wrote it) is ignored, not an error.
  const known = Object.fromEntries(Object.keys(ProjectSettings.shape).filter((k) => k in stored).map((k) => [k, stored[k]]));
  const r = ProjectSettings.safeParse(known);
  return r.success ? r.data : ProjectSettings.parse({});
}

export function updateProjectSettings(pdb: ProjectDb, patch: Partial<ProjectSettings>): ProjectSettings {
  pdb.tx(() => {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) putSetting(pdb, k, v);
  });
  return readProjectSettings(pdb);
}
