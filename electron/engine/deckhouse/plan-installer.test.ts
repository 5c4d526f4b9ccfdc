import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../shared/jobs.ts';
import { RegistryError } from '../errors.ts';
import type { BlobSource } from '../store/store.ts';
import { PlanContext } from './plan-context.ts';
import { installerRepository, planInstaller } from './plan-installer.ts';

/** A source whose every manifest HEAD answers as `head` says. */
const source = (head: () => Promise<unknown>) => ({ headManifest: head }) as unknown as BlobSource;

describe('planInstaller', () => {
  it('finds the installer beside the edition, as d8 GetEditionFromRegistryPath', () => {
    expect(installerRepository('deckhouse/ee')).toBe('deckhouse/installer');
    expect(installerRepository('deckhouse/se-plus')).toBe('deckhouse/installer');
    expect(installerRepository('mirror/deckhouse')).toBe('mirror/deckhouse/installer');
  });

  it('an installer the registry refuses (a license without it) is one warning, not a failed plan', async () => {
    const events: JobEvent[] = [];
    const ctx = new PlanContext({
      store: source(() =>
        Promise.reject(new RegistryError('403 denied: requested access to the resource is denied')),
      ),
      registry: 'r.example',
      root: 'deckhouse/ee',
      emit: (e) => events.push(e),
    });
    expect(await planInstaller(ctx)).toBeUndefined();
    expect(ctx.all()).toEqual([]);
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('r.example/deckhouse/installer:latest: 403 denied');
  });

  it('a cancelled plan stops', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = new PlanContext({
      store: source(() => Promise.reject(new Error('aborted'))),
      registry: 'r.example',
      root: 'deckhouse/ee',
      signal: controller.signal,
    });
    await expect(planInstaller(ctx)).rejects.toThrow('aborted');
  });
});
