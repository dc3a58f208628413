import { useState } from 'react';
import type { CategoryWithCount } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { errorMessage } from '../../../src-main/shared/rpc';
import { AuditThresholdInput, useAuditCategories } from './AuditThreshold';

/** Add, rename, merge and tune categories: colour, prompt, threshold, hotkey; counts. */
export function CategoriesScreen() {
  const { client, categories, refreshCategories, toast, bump, dataVersion } = useApp();
  const [audit, putAudit] = useAuditCategories(dataVersion);
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('');

  const call = async (f: () => Promise<unknown>, ok?: string) => {
    try {
      await f();
      if (ok) toast(ok);
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
    await refreshCategories();
    bump();
  };

  const add = () =>
    name.trim() &&
    call(async () => {
      await client.call('categories.add', {
        name: name.trim(),
        ...(prompt.trim() ? { prompt: prompt.trim() } : {}),
      });
      setName('');
      setPrompt('');
    }, `Added ${name.trim()}`);

  return (
    <div className="page">
      <h2>Categories</h2>
      <div className="row add-category">
        <input
          placeholder="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void add()}
          data-testid="category-name"
        />
        <input
          placeholder="Prompt (defaults to the name)"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void add()}
          data-testid="category-prompt"
          className="wide"
        />
        <button className="primary" onClick={() => void add()} data-testid="add-category">
          Add category
        </button>
      </div>
      <table className="table" data-testid="categories-table">
        <thead>
          <tr>
            <th>Id</th>
            <th>Colour</th>
            <th>Name</th>
            <th>Prompt</th>
            <th title="Per-class score threshold">Threshold</th>
            <th title="UNITER label audit threshold, in rank_logit units (0 = 50 % match); empty: the audit pack's default">
              Audit threshold
            </th>
            <th>Key</th>
            <th className="num">Annotations</th>
            <th className="num">Images</th>
            <th>Merge into</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {categories.map((c) => (
            <CategoryRow
              key={`${c.id}:${c.name}:${c.prompt}:${c.threshold}:${c.hotkey}:${c.color}`}
              c={c}
              all={categories}
              call={call}
              audit={
                <AuditThresholdInput
                  categoryId={c.id}
                  name={c.name}
                  row={audit.get(c.id)}
                  onSaved={putAudit}
                />
              }
            />
          ))}
          {!categories.length && (
            <tr>
              <td colSpan={11} className="muted">
                No categories yet. Models are prompted with each category's prompt.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function CategoryRow({
  c,
  all,
  call,
  audit,
}: {
  c: CategoryWithCount;
  all: CategoryWithCount[];
  call: (f: () => Promise<unknown>, ok?: string) => Promise<void>;
  /** The audit threshold's cell content (AuditThreshold.tsx). */
  audit: React.ReactNode;
}) {
  const { client } = useApp();
  const [name, setName] = useState(c.name);
  const [prompt, setPrompt] = useState(c.prompt);
  const [threshold, setThreshold] = useState(c.threshold == null ? '' : String(c.threshold));
  const [into, setInto] = useState('');
  const update = (patch: Parameters<typeof client.call<'categories.update'>>[1]['patch'], newName?: string) =>
    call(() => client.call('categories.update', { id: c.id, ...(newName ? { name: newName } : {}), patch }));
  return (
    <tr data-testid="category-row" data-name={c.name}>
      <td className="mono">{c.id}</td>
      <td>
        <input
          type="color"
          value={c.color}
          onChange={(e) => void update({ color: e.target.value })}
          aria-label={`Colour of ${c.name}`}
        />
      </td>
      <td>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => name.trim() && name !== c.name && void update({}, name.trim())}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
      </td>
      <td>
        <input
          className="wide"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          onBlur={() => prompt.trim() && prompt !== c.prompt && void update({ prompt: prompt.trim() })}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
      </td>
      <td>
        <input
          className="narrow"
          placeholder="default"
          aria-label={`Prediction threshold of ${c.name}`}
          title={`Score threshold for ${c.name}'s predictions (0 to 1). Empty: the job's default.`}
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          onBlur={() => {
            const v = threshold.trim() === '' ? null : Number(threshold);
            if (v !== c.threshold && (v === null || (v >= 0 && v <= 1))) void update({ threshold: v });
          }}
        />
      </td>
      <td>{audit}</td>
      <td>
        <select
          value={c.hotkey ?? ''}
          onChange={(e) => void update({ hotkey: e.target.value || null })}
          aria-label={`Hotkey of ${c.name}`}
        >
          <option value="">—</option>
          {'123456789'.split('').map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </td>
      <td className="num">{c.annotations}</td>
      <td className="num">{c.images}</td>
      <td>
        <select value={into} onChange={(e) => setInto(e.target.value)} aria-label={`Merge ${c.name} into`}>
          <option value="">—</option>
          {all
            .filter((o) => o.id !== c.id)
            .map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
        </select>
        <button
          disabled={!into}
          onClick={() =>
            void call(
              () => client.call('categories.merge', { from: c.id, into: Number(into) }),
              `Merged ${c.name}`,
            )
          }
        >
          Merge
        </button>
      </td>
      <td>
        <button
          className="danger"
          onClick={() => {
            if (c.annotations && !confirm(`Remove ${c.name} and its ${c.annotations} annotations?`)) return;
            void call(
              () => client.call('categories.remove', { id: c.id, force: c.annotations > 0 }),
              `Removed ${c.name}`,
            );
          }}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
