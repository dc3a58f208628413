import type { Params } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { errorMessage } from '../../../src-main/shared/rpc';

type Purpose = Params<'dialog.pick'>['purpose'];

/** "Browse…" for a path field: native dialogs exist only in the Electron shell (`dialog.pick`). */
export function PickButton({
  purpose,
  onPick,
  label = 'Browse…',
}: {
  purpose: Purpose;
  onPick: (path: string) => void;
  label?: string;
}) {
  const { client, session, toast } = useApp();
  if (session?.shell !== 'electron') return null;
  return (
    <button
      type="button"
      onClick={() =>
        client.call('dialog.pick', { purpose }).then(
          (r) => r.path && onPick(r.path),
          (e) => toast(errorMessage(e), 'error'),
        )
      }
    >
      {label}
    </button>
  );
}
