/**
 * electron-builder.yml, read the way electron-builder reads it: its own schema validation
 * and its own translation of `electronFuses` into @electron/fuses options, which it flips
 * in the packaged binary before signing. (Flipping them needs an Electron binary, which
 * this machine lacks; `npm run package` does it.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../platform/paths';

const require = createRequire(import.meta.url);

describe('electron-builder.yml', () => {
  const config = (require('js-yaml') as { load(s: string): Record<string, unknown> }).load(
    readFileSync(join(repoRoot()!, 'electron-builder.yml'), 'utf8'),
  );

  it('passes electron-builder validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('turns off RunAsNode, NODE_OPTIONS and inspect; turns on asar integrity and asar-only loading', async () => {
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<number, boolean>> } };
    };
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    const fuses = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    expect({
      RunAsNode: fuses[FuseV1Options.RunAsNode],
      EnableNodeOptionsEnvironmentVariable: fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      EnableNodeCliInspectArguments: fuses[FuseV1Options.EnableNodeCliInspectArguments],
      EnableEmbeddedAsarIntegrityValidation: fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      OnlyLoadAppFromAsar: fuses[FuseV1Options.OnlyLoadAppFromAsar],
      GrantFileProtocolExtraPrivileges: fuses[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });
});
