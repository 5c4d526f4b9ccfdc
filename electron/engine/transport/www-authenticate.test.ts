import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.ts';

describe('parseWwwAuthenticate', () => {
  it('reads a distribution Bearer challenge with quoted parameters', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
      },
    ]);
  });

  it('handles escapes, commas inside quotes, unquoted values, spaces and case', () => {
    const header =
      'BEARER Realm = "https://a/t?x=1,2" , error=insufficient_scope, scope="repository:a:pull,push x\\"y"';
    expect(parseWwwAuthenticate(header)[0]).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://a/t?x=1,2',
        error: 'insufficient_scope',
        scope: 'repository:a:pull,push x"y',
      },
    });
  });

  it('splits several challenges in one header and across headers, preferring Bearer', () => {
    const challenges = parseWwwAuthenticate([
      'Basic realm="Registry Realm", Negotiate abc123==',
      'Bearer realm="r"',
    ]);
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'negotiate', 'bearer']);
    expect(challenges[0]?.params).toEqual({ realm: 'Registry Realm' });
    expect(preferredChallenge(challenges)?.scheme).toBe('bearer');
    expect(preferredChallenge(parseWwwAuthenticate('Basic realm="x"'))?.scheme).toBe('basic');
    expect(preferredChallenge(parseWwwAuthenticate(undefined))).toBeUndefined();
  });
});
