// The contract's runtime validators: what main accepts from the renderer, and what it refuses.
import { describe, expect, it } from 'vitest';
import {
  channels,
  eventChannels,
  isChannel,
  isEventChannel,
  requestValidators,
} from '../../../shared/ipc.ts';
import { ValidationError } from '../../../shared/validate.ts';

const connection = { registry: '127.0.0.1:5000', insecure: true, tlsSkipVerify: false };
const check = (channel: keyof typeof requestValidators, request: unknown) =>
  requestValidators[channel](request, 'request');

describe('IPC contract', () => {
  it('lists every channel once, and the two event channels', () => {
    expect(new Set(channels).size).toBe(channels.length);
    expect(channels).toContain('job:pull');
    expect(eventChannels).toEqual(['job:event', 'job:state']);
    expect(isChannel('app:info')).toBe(true);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isEventChannel('job:state')).toBe(true);
    expect(isEventChannel('app:info')).toBe(false);
  });

  it('accepts a well-formed pull request and returns a clean copy', () => {
    const request = {
      source: { ...connection, caFile: '/etc/ca.pem' },
      images: ['vendor/app:1'],
      platforms: ['linux/amd64'],
      signatures: true,
      bundleDir: '/media/usb/t1',
      chunkSize: 4 << 20,
      force: false,
    };
    const valid = check('job:pull', request);
    expect(valid).toEqual(request);
    expect(valid).not.toBe(request);
  });

  it('drops optional members that are undefined', () => {
    expect(check('registry:test', { ...connection, caFile: undefined })).toEqual(connection);
  });

  const refusals: Array<[keyof typeof requestValidators, unknown, string]> = [
    ['registry:test', { ...connection, extra: 1 }, 'request.extra is not expected here'],
    ['registry:test', { ...connection, insecure: 'true' }, 'request.insecure must be true or false'],
    ['registry:test', { ...connection, registry: 'https://x y' }, 'request.registry has an unexpected form'],
    ['registry:test', null, 'request must be an object, not null'],
    ['registry:test', [connection], 'request must be an object, not an array'],
    [
      'job:pull',
      { source: connection, images: 'a', platforms: [], signatures: true, bundleDir: '/b', force: false },
      'request.images must be a list',
    ],
    [
      'job:pull',
      {
        source: connection,
        images: [],
        platforms: [],
        signatures: true,
        bundleDir: '/b',
        force: false,
        chunkSize: 1000,
      },
      'request.chunkSize must be from 1048576',
    ],
    [
      'job:copy',
      { bundleDir: '/b', destination: '/d', stick: 0, files: ['a'] },
      'request.stick must be from 1',
    ],
    [
      'job:copy',
      { bundleDir: '/b', destination: '/d', stick: 1, files: [] },
      'request.files must hold at least 1',
    ],
    ['bundle:open', { folders: ['/a\0b'] }, 'request.folders[0] must not contain NUL'],
    ['history:list', { from: 'yesterday' }, 'request.from has an unexpected form'],
    [
      'history:export',
      { format: 'docx', transferId: 't' },
      'request.format must be one of html, csv, json, pdf',
    ],
    [
      'dialog:save',
      { title: 't', suggestedName: '../../etc/passwd', content: '' },
      'request.suggestedName has an unexpected form',
    ],
    ['app:info', { sneaky: true }, 'request.sneaky is not expected here'],
    [
      'media:estimate',
      { totalBytes: 1.5, chunkSize: 0, stickBytes: 0, maxFileBytes: null },
      'request.totalBytes must be a whole number',
    ],
  ];
  it.each(refusals)('%s refuses %j', (channel, request, message) => {
    expect(() => check(channel, request)).toThrow(ValidationError);
    expect(() => check(channel, request)).toThrow(message);
  });

  it('refuses objects that are not plain', () => {
    class Sneaky {
      registry = 'r';
      insecure = false;
      tlsSkipVerify = false;
    }
    expect(() => check('registry:test', new Sneaky())).toThrow('must be a plain object');
  });
});
