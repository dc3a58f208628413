import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { RegisterCommand } from '../command';
import { ExitCode, emit, table } from '../output';
import { createProgress } from '../progress';
import { LwError } from '../../shared/errors';
import {
  type InstalledPack,
  downloadPack,
  importPack,
  lookupPack,
  removePack,
  scanPacks,
  verifyPack,
} from '../../inference/packs';
import { probeExecutionProvider } from '../../inference/runtime/execution-providers';
import { modelsDirs } from '../../platform/paths';

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

type Status = 'installed' | 'not downloaded' | 'partial';

async function describe(pack: InstalledPack): Promise<{
  id: string;
  kind: string;
  displayName: string;
  status: Status;
  source: 'user' | 'bundled';
  fixture: boolean;
  dir: string;
  bytes: number | null;
  missing: string[];
  partialBytes: number;
  license: string;
  nonCommercial: boolean;
  licenseNotice?: string;
}> {
  const m = pack.manifest;
  const roles = Object.keys(m.files);
  let onDisk = 0;
  let partial = 0;
  for (const role of roles) {
    const st = await stat(pack.files[role]).catch(() => null);
    if (st) onDisk += st.size;
    const part = await stat(`${pack.files[role]}.part`).catch(() => null);
    if (part) partial += part.size;
  }
  const allKnown = roles.every((r) => m.files[r].bytes !== undefined);
  const declared = roles.reduce((a, r) => a + (m.files[r].bytes ?? 0), 0);
  const status: Status =
    pack.missing.length === 0
      ? 'installed'
      : pack.missing.length === roles.length && partial === 0
        ? 'not downloaded'
        : 'partial';
  return {
    id: m.id,
    kind: m.kind,
    displayName: m.displayName,
    status,
    source: pack.source,
    fixture: m.fixture === true,
    dir: pack.dir,
    bytes: allKnown ? declared : pack.missing.length === 0 ? onDisk : null,
    missing: pack.missing,
    partialBytes: partial,
    license: m.license,
    nonCommercial: Boolean(m.licenseNotice),
    ...(m.licenseNotice ? { licenseNotice: m.licenseNotice } : {}),
  };
}

function shortLicense(license: string, nonCommercial: boolean): string {
  const head = license.split(/[;(]/)[0].trim();
  const short = head.length > 42 ? `${head.slice(0, 41)}…` : head;
  return nonCommercial ? `${short} (non-commercial)` : short;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function printLicense(pack: InstalledPack): void {
  const m = pack.manifest;
  process.stderr.write(`Licence of ${m.id}: ${m.license}\n`);
  if (m.licenseNotice) process.stderr.write(`\n  ${m.licenseNotice}\n\n`);
}

/** Ctrl-C aborts the operation (keeping partial downloads) instead of killing the process. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', onSig) };
}

export const register: RegisterCommand = (program, action) => {
  const models = program
    .command('models')
    .description('list, download, verify, import and remove model packs');

  models
    .command('list')
    .description(
      'show the known model packs: installed or not, size, licence, and the execution provider that would run them',
    )
    .action(
      action(async (g) => {
        const { packs, invalid } = await scanPacks();
        const rows = await Promise.all(packs.map(describe));
        const ep = probeExecutionProvider();
        const dirs = modelsDirs();
        emit(
          g,
          {
            packs: rows.map((r) => ({ ...r, executionProvider: ep.provider })),
            invalid: invalid.map((i) => ({ dir: i.dir, error: i.error.toPayload() })),
            executionProvider: ep,
            modelsDirs: dirs,
          },
          () => {
            const lines: string[] = [];
            if (rows.length === 0) lines.push('No model packs found.');
            else
              lines.push(
                table(
                  rows.map((r) => [
                    r.id,
                    r.kind,
                    r.status === 'partial'
                      ? `partial (${r.missing.length} missing${r.partialBytes ? `, ${formatBytes(r.partialBytes)} in .part` : ''})`
                      : r.status,
                    formatBytes(r.bytes),
                    shortLicense(r.license, r.nonCommercial),
                    r.fixture ? `${r.source}, fixture` : r.source,
                  ]),
                  ['id', 'kind', 'status', 'size', 'licence', 'source'],
                ),
              );
            for (const i of invalid) lines.push(`warning: ${i.dir}: ${i.error.message}`);
            lines.push(
              '',
              `Execution provider: ${ep.provider.toUpperCase()} (${ep.reason})`,
              `User models folder: ${dirs.user}`,
            );
            return lines.join('\n');
          },
        );
      }),
    );

  models
    .command('info <id>')
    .description("show a pack's files, URLs, hashes and licence (what to fetch for a sideload)")
    .action(
      action(async (g, id: string) => {
        const pack = await lookupPack(id);
        const d = await describe(pack);
        const files = Object.entries(pack.manifest.files).map(([role, f]) => ({
          role,
          path: f.path,
          url: f.url ?? null,
          bytes: f.bytes ?? null,
          sha256: f.sha256 ?? null,
          present: !pack.missing.includes(role),
          location: pack.files[role],
        }));
        emit(g, { ...d, files, params: pack.manifest.params }, () =>
          [
            `${d.displayName} (${d.id}, ${d.kind}) — ${d.status}`,
            `folder: ${d.dir}`,
            `licence: ${d.license}`,
            ...(d.licenseNotice ? [`notice: ${d.licenseNotice}`] : []),
            '',
            table(
              files.map((f) => [
                f.role,
                f.path,
                f.present ? 'present' : 'missing',
                formatBytes(f.bytes),
                f.url ?? '-',
              ]),
              ['role', 'file', 'state', 'size', 'url'],
            ),
          ].join('\n'),
        );
      }),
    );

  models
    .command('download <id>')
    .description('download a pack into the user models folder (resumable; Ctrl-C keeps the partial file)')
    .option('--accept-license', "accept the pack's licence (required for non-commercial packs)", false)
    .action(
      action(async (g, id: string, o: { acceptLicense?: boolean }) => {
        const known = await lookupPack(id);
        let accepted = o.acceptLicense === true;
        if (known.manifest.licenseNotice && !accepted && known.missing.length > 0) {
          printLicense(known);
          if (!g.json && process.stdin.isTTY && process.stderr.isTTY)
            accepted = await confirm('Accept this licence and download? [y/N] ');
          if (!accepted)
            throw new LwError(
              'INVALID_ARGUMENT',
              `not downloading "${id}": its licence (${known.manifest.license}) must be accepted first`,
              `Read the notice above, then run \`labelwright models download ${id} --accept-license\`.`,
            );
        }
        const bar = createProgress(`download ${id}`, 0, { enabled: !g.json });
        const { signal, dispose } = interruptible();
        let pack: InstalledPack;
        try {
          pack = await downloadPack(id, {
            signal,
            acceptLicense: accepted,
            onProgress: (p) => {
              bar.setTotal(p.total);
              bar.update(p.done, `${p.file} ${formatBytes(p.fileDone)}/${formatBytes(p.fileTotal)}`);
            },
          });
        } finally {
          dispose();
        }
        const d = await describe(pack);
        bar.finish(`${formatBytes(d.bytes)} in ${pack.dir}`);
        emit(
          g,
          {
            ...d,
            files: Object.entries(pack.manifest.files).map(([role, f]) => ({
              role,
              path: pack.files[role],
              bytes: f.bytes,
              sha256: f.sha256,
            })),
          },
          () => `Downloaded ${id} (${formatBytes(d.bytes)}) to ${pack.dir}`,
        );
      }),
    );

  models
    .command('verify <id>')
    .description("check every file's size and sha256 against the manifest")
    .action(
      action(async (g, id: string) => {
        const pack = await lookupPack(id);
        const bar = createProgress(`verify ${id}`, 0, { enabled: !g.json });
        const results = await verifyPack(pack, (p) => {
          bar.setTotal(p.total);
          bar.update(p.done, path.basename(p.file));
        });
        const ok = results.every((r) => r.ok);
        bar.finish(ok ? 'ok' : 'FAILED');
        emit(g, { id, dir: pack.dir, ok, results }, () =>
          [
            table(
              results.map((r) => [
                r.role,
                pack.manifest.files[r.role].path,
                r.ok ? 'ok' : 'FAILED',
                r.reason ?? '',
              ]),
              ['role', 'file', 'result', 'detail'],
            ),
            ok ? `${id}: all files verified` : `${id}: verification failed`,
          ].join('\n'),
        );
        if (!ok) {
          process.stderr.write(
            `hint: ${pack.source === 'user' ? `run \`labelwright models download ${id}\` to re-fetch bad or missing files, or re-import the pack` : 'restore or regenerate the pack files'}\n`,
          );
          return ExitCode.model;
        }
        return ExitCode.ok;
      }),
    );

  models
    .command('import <folder>')
    .description(
      'sideload a pack folder (pack.json plus its files, fetched elsewhere): verify it and copy it into the user models folder',
    )
    .option('--id <id>', 'which known pack the folder holds, when it has no pack.json')
    .action(
      action(async (g, folder: string, o: { id?: string }) => {
        const bar = createProgress(`import ${path.basename(path.resolve(folder))}`, 0, { enabled: !g.json });
        const pack = await importPack(folder, {
          ...(o.id ? { id: o.id } : {}),
          onProgress: (p) => {
            bar.setTotal(p.total);
            bar.update(p.done, p.file);
          },
        });
        const d = await describe(pack);
        bar.finish(formatBytes(d.bytes));
        emit(g, d, () => `Imported ${d.id} (${formatBytes(d.bytes)}) to ${pack.dir}`);
      }),
    );

  models
    .command('remove <id>')
    .description('delete a downloaded or imported pack from the user models folder')
    .action(
      action(async (g, id: string) => {
        const { dir } = await removePack(id);
        emit(g, { id, removed: dir }, () => `Removed ${id} (${dir})`);
      }),
    );
};
