import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../errors.ts';
import { isValidTag } from '../ref/reference.ts';
import { cosignTag, deckhouseShortTag, referrersFallbackTag, refName } from './annotations.ts';

const hex = '0123456789abcdef'.repeat(4);
const digest = `sha256:${hex}`;
const sha512 = `sha512:${'ab'.repeat(64)}`;

describe('annotation keys', () => {
  it('match the OCI and Deckhouse names', () => {
    expect(refName).toBe('org.opencontainers.image.ref.name');
    expect(deckhouseShortTag).toBe('io.deckhouse.image.short_tag');
  });
});

describe('cosignTag', () => {
  it.each([
    ['sig', `sha256-${hex}.sig`],
    ['att', `sha256-${hex}.att`],
    ['sbom', `sha256-${hex}.sbom`],
  ] as const)('%s', (kind, expected) => {
    const tag = cosignTag(digest, kind);
    expect(tag).toBe(expected);
    expect(isValidTag(tag)).toBe(true);
  });

  it('rejects a malformed digest', () => {
    expect(() => cosignTag('sha256:xyz', 'sig')).toThrow(InvalidReferenceError);
  });

  it('refuses sha512 subjects, whose cosign tag would exceed 128 characters', () => {
    expect(() => cosignTag(sha512, 'sig')).toThrow(/no cosign sig tag exists for sha512:/);
  });
});

describe('referrersFallbackTag', () => {
  it('replaces the colon with a dash', () => {
    expect(referrersFallbackTag(digest)).toBe(`sha256-${hex}`);
  });

  it('truncates a sha512 hex to 64 characters, as the distribution spec says', () => {
    const tag = referrersFallbackTag(sha512);
    expect(tag).toBe(`sha512-${'ab'.repeat(32)}`);
    expect(isValidTag(tag)).toBe(true);
  });

  it('rejects a malformed digest', () => {
    expect(() => referrersFallbackTag('nope')).toThrow(InvalidReferenceError);
  });
});
