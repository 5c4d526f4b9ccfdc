// The Deckhouse mode is chosen from the flags and, like d8's --license default, from
// D8_MIRROR_LICENSE_TOKEN (the test needs no registry: choosing the mode reads none).
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECKHOUSE_SOURCE, deckhouseSelectionFrom } from './deckhouse-flags.ts';

describe('deckhouseSelectionFrom', () => {
  it('D8_MIRROR_LICENSE_TOKEN alone selects the Deckhouse mode with d8 default source', () => {
    const args = { values: {}, positionals: ['dir'] };
    expect(deckhouseSelectionFrom(args, false, { D8_MIRROR_LICENSE_TOKEN: 't' })?.source).toBe(
      DEFAULT_DECKHOUSE_SOURCE,
    );
    expect(deckhouseSelectionFrom(args, false, {})).toBeUndefined();
    expect(deckhouseSelectionFrom(args, true, { D8_MIRROR_LICENSE_TOKEN: 't' })).toBeUndefined();
  });
});
