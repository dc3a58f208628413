/**
 * The editor's keys as a Markdown table, from the same action list the `?` overlay shows:
 * the README's key table is this text (a test compares them), so the two cannot drift.
 */
import { actions as allActions, keysOf, type Action } from './index';
import { prettyChord } from './keys';

/** The overlay's and the table's rows: the digits and the other arrows fold into one row each. */
export function overlayRows(list: readonly Action[] = allActions): Action[] {
  return list.filter((a) => !/^label\.[2-9]$|^nudge\.(up|down|right)/.test(a.id));
}

function keyCell(a: Action, scheme: 'default' | 'cvat'): string {
  if (a.id === 'label.1') return '`1`–`9`';
  if (a.id.startsWith('nudge.left'))
    return keysOf(a, scheme)
      .map((k) => '`' + prettyChord(k).replace('←', 'arrows') + '`')
      .join(' ');
  return keysOf(a, scheme)
    .map((k) => '`' + prettyChord(k) + '`')
    .join(' ');
}

function labelCell(a: Action): string {
  if (a.id === 'label.1') return 'Label as category (hotkey, else nth)';
  if (a.id.startsWith('nudge.left')) return a.label.replace('left', '(arrows)');
  return a.label;
}

/** The table, grouped as the overlay groups it; `same` where the CVAT scheme keeps the keys. */
export function keyTableMarkdown(list: readonly Action[] = allActions): string {
  const groups = [...new Set(list.map((a) => a.group))];
  const sorted = groups.flatMap((g) => overlayRows(list).filter((a) => a.group === g));
  const rows = sorted.map((a) => {
    const def = keyCell(a, 'default');
    const cvat = keyCell(a, 'cvat');
    return `| ${a.group} | ${def} | ${cvat === def ? 'same' : cvat} | ${labelCell(a).replace(/\|/g, '\\|')} |`;
  });
  return ['| Group | Keys | CVAT scheme | Does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
