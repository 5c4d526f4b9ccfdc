import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { InvalidReferenceError } from '../errors.ts';
import {
  formatReference,
  isValidTag,
  manifestReference,
  parseReference,
  parseRepositoryPath,
  qualifyReference,
  referenceName,
  registryEndpoint,
  type Reference,
} from './reference.ts';

const sha256 = 'sha256:' + 'a'.repeat(64);
const sha512 = 'sha512:' + '0123456789abcdef'.repeat(8);

describe('parseReference: valid references', () => {
  const cases: Array<[string, Reference]> = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['docker.io/library/alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['index.docker.io/alpine:edge', { registry: 'docker.io', repository: 'library/alpine', tag: 'edge' }],
    ['index.docker.io/bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis', tag: 'latest' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    // The single-component rule is Docker Hub's only; other registries keep the name as given.
    [
      'registry-1.docker.io/alpine',
      { registry: 'registry-1.docker.io', repository: 'alpine', tag: 'latest' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b:t', { registry: 'localhost:5000', repository: 'a/b', tag: 't' }],
    ['[::1]:5000/x@' + sha256, { registry: '[::1]:5000', repository: 'x', digest: sha256 }],
    ['[::1]/x', { registry: '[::1]', repository: 'x', tag: 'latest' }],
    ['[2001:db8::1]:443/a/b:v1', { registry: '[2001:db8::1]:443', repository: 'a/b', tag: 'v1' }],
    [
      '127.0.0.1:5000/mirror/astromkey/astromkey-operator:v1.5.0',
      { registry: '127.0.0.1:5000', repository: 'mirror/astromkey/astromkey-operator', tag: 'v1.5.0' },
    ],
    [
      'public.ecr.aws/astromkey/astromkey-operator:1.2',
      { registry: 'public.ecr.aws', repository: 'astromkey/astromkey-operator', tag: '1.2' },
    ],
    [
      `registry.example.com/team/app:1.0@${sha256}`,
      { registry: 'registry.example.com', repository: 'team/app', tag: '1.0', digest: sha256 },
    ],
    [`alpine@${sha512}`, { registry: 'docker.io', repository: 'library/alpine', digest: sha512 }],
    ['a/b__c/d-e.f_g--h', { registry: 'docker.io', repository: 'a/b__c/d-e.f_g--h', tag: 'latest' }],
    ['app:_Tag.1-x', { registry: 'docker.io', repository: 'library/app', tag: '_Tag.1-x' }],
    ['Registry.Example.COM/app', { registry: 'Registry.Example.COM', repository: 'app', tag: 'latest' }],
    ['my-host.example:8443/x', { registry: 'my-host.example:8443', repository: 'x', tag: 'latest' }],
    // Grammar, not guesswork: without a '/', 'localhost:5000' is the image 'localhost' tagged '5000'.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    ['foo.com:5000', { registry: 'docker.io', repository: 'library/foo.com', tag: '5000' }],
    // A first component without '.', ':' or 'localhost' is part of the path, not a registry.
    ['myregistry/app', { registry: 'docker.io', repository: 'myregistry/app', tag: 'latest' }],
    ['app:' + 'x'.repeat(128), { registry: 'docker.io', repository: 'library/app', tag: 'x'.repeat(128) }],
    ['r.io/' + 'a'.repeat(255), { registry: 'r.io', repository: 'a'.repeat(255), tag: 'latest' }],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(parseReference(input)).toStrictEqual(expected);
  });
});

describe('parseReference: invalid references', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /it is empty/],
    ['Alpine', /repository 'Alpine' must be lowercase/],
    ['docker.io/Library/alpine', /must be lowercase/],
    ['Foo/bar', /must be lowercase/],
    ['a//b', /empty path component/],
    ['registry.example.com//app', /empty path component/],
    ['/alpine', /empty path component/],
    ['alpine/', /empty path component/],
    ['docker.io/', /repository name is missing after registry 'docker.io'/],
    [':tag', /repository name is missing/],
    ['@' + sha256, /repository name is missing/],
    ['alpine:', /bad tag '': the tag is empty/],
    ['alpine:-bad', /bad tag '-bad': a tag may not start with '.' or '-'/],
    ['alpine:.bad', /may not start with/],
    ['alpine:a+b', /bad tag 'a\+b': a tag may contain only letters/],
    ['alpine:' + 'x'.repeat(129), /129 characters long \(at most 128\)/],
    ['alpine@sha256:abc', /bad digest 'sha256:abc': a sha256 digest has 64 hex characters, this one has 3/],
    ['alpine@sha256:' + 'A'.repeat(64), /hex may contain only 0-9 and a-f/],
    ['alpine@sha256:' + 'g'.repeat(64), /hex may contain only 0-9 and a-f/],
    ['alpine@sha512:' + 'a'.repeat(64), /a sha512 digest has 128 hex characters/],
    ['alpine@md5:' + 'a'.repeat(32), /digest algorithm 'md5' is not supported/],
    ['alpine@SHA256:' + 'a'.repeat(64), /'SHA256' is not a valid digest algorithm/],
    ['alpine@sha256', /has no ':'/],
    ['alpine@', /has no ':'/],
    [`a@${sha256}@${sha256}`, /more than one '@'/],
    ['a'.repeat(256), /256 characters long \(at most 255\)/],
    ['r.io/' + 'a'.repeat(256), /256 characters long \(at most 255\)/],
    // After normalisation 'library/' counts too.
    ['a'.repeat(250), /258 characters long/],
    ['https://registry.example.com/app', /remove the 'https:\/\/' prefix/],
    [' alpine', /whitespace/],
    ['alpine latest', /whitespace/],
    ['[::1]:5000', /names only a registry/],
    ['[::1]', /names only a registry/],
    ['[zz::1]:5000/x', /registry '\[zz::1\]:5000' is not a bracketed IPv6 address/],
    ['[::1::2]/x', /'\[::1::2\]' is not a valid IPv6 address/],
    ['localhost:99999/x', /port 99999 is out of range/],
    ['localhost:0/x', /port 0 is out of range/],
    ['registry.example.com:abc/x', /registry 'registry.example.com:abc' is not a valid host name/],
    ['foo_bar.com/x', /registry 'foo_bar.com' is not a valid host name/],
    ['-foo.com/x', /not a valid host name/],
    ['-app', /path component '-app' is invalid/],
    ['a..b', /path component 'a..b' is invalid/],
    ['a___b', /path component 'a___b' is invalid/],
    ['app-', /path component 'app-' is invalid/],
    ['a'.repeat(64).replace(/a/g, 'f'), /64-character hex string is an image ID/],
  ];
  it.each(cases)('%s', (input, message) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidReferenceError);
    const err = caught as InvalidReferenceError;
    expect(err.code).toBe(ErrorCodes.REFERENCE_INVALID);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`invalid image reference '${input}': `)).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.details).toStrictEqual({ input });
  });
});

describe('parseReference options', () => {
  it('adds no tag with defaultTag: false', () => {
    expect(parseReference('alpine', { defaultTag: false })).toStrictEqual({
      registry: 'docker.io',
      repository: 'library/alpine',
    });
  });
  it('uses a custom default tag', () => {
    expect(parseReference('alpine', { defaultTag: 'stable' }).tag).toBe('stable');
  });
  it('adds no default tag when a digest pins the image', () => {
    expect(parseReference(`alpine@${sha256}`).tag).toBeUndefined();
  });
  it('keeps an explicit tag over the default', () => {
    expect(parseReference('alpine:3', { defaultTag: 'stable' }).tag).toBe('3');
  });
  it('rejects an invalid default tag', () => {
    expect(() => parseReference('alpine', { defaultTag: 'not valid' })).toThrow(/bad default tag/);
  });
});

describe('formatting', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
    [`[::1]:5000/x@${sha256}`, `[::1]:5000/x@${sha256}`],
    [`registry.example.com/team/app:1.0@${sha256}`, `registry.example.com/team/app:1.0@${sha256}`],
  ])('formatReference(parse(%s)) = %s and round-trips', (input, formatted) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(formatted);
    expect(parseReference(formatted)).toStrictEqual(ref);
  });

  it('referenceName drops tag and digest', () => {
    expect(referenceName(parseReference(`localhost:5000/a/b:t@${sha256}`))).toBe('localhost:5000/a/b');
    expect(referenceName(parseReference('alpine'))).toBe('docker.io/library/alpine');
  });

  it('manifestReference prefers the digest, else the tag', () => {
    expect(manifestReference(parseReference(`a:1@${sha256}`))).toBe(sha256);
    expect(manifestReference(parseReference('a:1'))).toBe('1');
    expect(() => manifestReference(parseReference('a', { defaultTag: false }))).toThrow(
      /'docker.io\/library\/a' has neither a tag nor a digest/,
    );
  });

  it('registryEndpoint maps Docker Hub to its API host only', () => {
    expect(registryEndpoint('docker.io')).toBe('registry-1.docker.io');
    expect(registryEndpoint('index.docker.io')).toBe('registry-1.docker.io');
    expect(registryEndpoint('localhost:5000')).toBe('localhost:5000');
    expect(registryEndpoint('[::1]:5000')).toBe('[::1]:5000');
    expect(registryEndpoint('public.ecr.aws')).toBe('public.ecr.aws');
  });
});

describe('parseRepositoryPath', () => {
  const valid: Array<[string, { registry: string; path: string }]> = [
    ['127.0.0.1:5000/mirror', { registry: '127.0.0.1:5000', path: 'mirror' }],
    ['registry.example.com', { registry: 'registry.example.com', path: '' }],
    ['registry.example.com/', { registry: 'registry.example.com', path: '' }],
    ['registry.example.com/a/b/', { registry: 'registry.example.com', path: 'a/b' }],
    ['[::1]:5000/deckhouse/ee', { registry: '[::1]:5000', path: 'deckhouse/ee' }],
    ['localhost:5000', { registry: 'localhost:5000', path: '' }],
    ['nexus/team', { registry: 'nexus', path: 'team' }],
    ['index.docker.io/myorg', { registry: 'docker.io', path: 'myorg' }],
  ];
  it.each(valid)('%s', (input, expected) => {
    expect(parseRepositoryPath(input)).toStrictEqual(expected);
  });

  const invalid: Array<[string, RegExp]> = [
    ['', /it is empty/],
    ['/mirror', /the registry is missing/],
    ['registry.example.com/app:1', /takes no tag/],
    [`registry.example.com/app@${sha256}`, /takes no digest/],
    ['registry.example.com/App', /must be lowercase/],
    ['registry.example.com//a', /empty path component/],
    ['registry.example.com/a//', /empty path component/],
    ['https://registry.example.com', /remove the 'https:\/\/' prefix/],
    ['bad_host/x', /registry 'bad_host' is not a valid host name/],
    ['localhost:70000/x', /port 70000 is out of range/],
    ['r.io/' + 'a'.repeat(256), /at most 255/],
  ];
  it.each(invalid)('rejects %s', (input, message) => {
    expect(() => parseRepositoryPath(input)).toThrow(InvalidReferenceError);
    expect(() => parseRepositoryPath(input)).toThrow(message);
    expect(() => parseRepositoryPath(input)).toThrow(`invalid registry path '${input}': `);
  });
});

describe('isValidTag', () => {
  it.each([
    ['latest', true],
    ['v1.5.0', true],
    ['_x', true],
    ['A-b.C_d', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a/b', false],
    ['a:b', false],
    ['a b', false],
  ])('%s → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('qualifyReference', () => {
  it('puts a name without a host under the default registry and path', () => {
    expect(qualifyReference('vendor/app:1', '127.0.0.1:5000')).toBe('127.0.0.1:5000/vendor/app:1');
    expect(qualifyReference(' app@sha256:ab ', 'registry.local/mirror')).toBe(
      'registry.local/mirror/app@sha256:ab',
    );
  });

  it('keeps a first component that is a host (dot, port, localhost, IPv6), and a name with no default', () => {
    for (const ref of ['quay.io/org/tool:1', 'localhost/x', 'localhost:5000/x', '[::1]:5000/x:1'])
      expect(qualifyReference(ref, '127.0.0.1:5000')).toBe(ref);
    expect(qualifyReference('alpine', ' ')).toBe('alpine');
  });
});
