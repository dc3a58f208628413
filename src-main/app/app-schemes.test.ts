/**
 * Both custom schemes are registered as privileged in one call (a second call would
 * replace the first), with Electron's `protocol` faked: it exists only in the binary.
 */
import { describe, expect, it, vi } from 'vitest';

const calls: unknown[] = [];
vi.mock('electron', () => ({
  protocol: { registerSchemesAsPrivileged: (schemes: unknown) => calls.push(schemes), handle: () => undefined },
}));
const { registerAppSchemes } = await import('./protocol');

describe('registerAppSchemes', () => {
  it('registers app:// (pages) and lw-image:// (pixels) as standard, secure schemes in one call', () => {
    registerAppSchemes();
    expect(calls).toHaveLength(1);
    const schemes = calls[0] as { scheme: string; privileges: Record<string, boolean> }[];
    expect(schemes.map((s) => s.scheme)).toEqual(['app', 'lw-image']);
    for (const s of schemes) expect([s.scheme, s.privileges.standard, s.privileges.secure], s.scheme).toEqual([s.scheme, true, true]);
    expect(schemes.some((s) => s.privileges.bypassCSP), 'no scheme bypasses the CSP').toBe(false);
  });
});
