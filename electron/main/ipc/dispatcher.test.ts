// The dispatcher every IPC call goes through (in Electron and in the test bridge): contract checks,
// the Result envelope, and nothing but {code, message, details} on failure — never a stack or secret.
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../engine/errors.ts';
import { registerSecret } from '../../engine/redact.ts';
import { createDispatcher } from './dispatcher.ts';
import type { Handlers } from './handlers.ts';

function dispatcherWith(overrides: Partial<Handlers>, log: string[] = []) {
  return createDispatcher(overrides as Handlers, (line) => log.push(line));
}

describe('IPC dispatcher', () => {
  it('answers a valid request with {ok:true,value}', async () => {
    const dispatch = dispatcherWith({
      'registry:forget': async (r) => ({ forgotten: r.registry === 'reg:5000' }),
    });
    expect(await dispatch('registry:forget', { registry: 'reg:5000' })).toEqual({
      ok: true,
      value: { forgotten: true },
    });
  });

  it('refuses an unknown channel and an invalid request before any handler runs', async () => {
    let ran = false;
    const dispatch = dispatcherWith({
      'registry:forget': async () => {
        ran = true;
        return { forgotten: true };
      },
    });
    expect(await dispatch('fs:readFile', { path: '/etc/shadow' })).toMatchObject({
      ok: false,
      error: { code: 'FERRY_ERR_USAGE', message: "unknown IPC channel 'fs:readFile'" },
    });
    expect(await dispatch('registry:forget', { registry: 42 })).toMatchObject({
      ok: false,
      error: {
        code: 'FERRY_ERR_USAGE',
        message: expect.stringContaining('request.registry must be a string') as unknown,
      },
    });
    expect(ran).toBe(false);
  });

  it('turns a thrown FerryError into its DTO, with no stack and the secret masked', async () => {
    registerSecret('hunter2-secret');
    const dispatch = dispatcherWith({
      'registry:forget': async () => {
        throw new AuthError('registry refused password hunter2-secret: check the login', {
          details: { host: 'h' },
        });
      },
    });
    const result = await dispatch('registry:forget', { registry: 'h' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'FERRY_ERR_AUTH',
        message: 'registry refused password ***: check the login',
        details: { host: 'h' },
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/hunter2|stack|at /);
  });

  it('reports an unexpected failure as INTERNAL and logs one line', async () => {
    const log: string[] = [];
    const dispatch = dispatcherWith(
      {
        'registry:logins': async () => {
          throw new TypeError('boom');
        },
      },
      log,
    );
    expect(await dispatch('registry:logins', {})).toEqual({
      ok: false,
      error: { code: 'FERRY_ERR_INTERNAL', message: 'boom' },
    });
    expect(log).toEqual(['registry:logins: boom']);
  });
});
