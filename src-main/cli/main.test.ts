import { describe, expect, it } from 'vitest';
import type { Action } from './command';
import { COMMAND_MODULES, moduleFor } from './command-list';
import { createProgram, listCommands } from './main';

const noAction: Action = () => async () => undefined;

describe('CLI command list', () => {
  it('draws the same help listing as registering every command module', async () => {
    const full = createProgram();
    for (const m of COMMAND_MODULES) (await m.load()).register(full, noAction);
    const listed = createProgram();
    listCommands(listed);
    expect(listed.helpInformation()).toBe(full.helpInformation());
  });

  it('names each module the commands it registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = createProgram();
      (await m.load()).register(program, noAction);
      expect(program.commands.map((c) => c.name())).toEqual(m.commands.map((c) => c.name));
    }
  });

  it('finds the module of the command being run, past global flags and `help`', () => {
    const modelsModule = COMMAND_MODULES.find((m) => m.commands.some((c) => c.name === 'models'));
    expect(moduleFor(['--json', 'models', 'list'])).toBe(modelsModule);
    expect(moduleFor(['help', 'models'])).toBe(modelsModule);
    expect(moduleFor(['models', '--help'])).toBe(modelsModule);
    expect(moduleFor(['--help'])).toBeUndefined();
    expect(moduleFor([])).toBeUndefined();
    expect(moduleFor(['no-such-command'])).toBeUndefined();
  });
});
