// Deckhouse release channels: the five every distribution publishes, and LTS, which some editions add.
// A channel is a tag (`release-channel:stable`, `modules/<m>/release:stable`) whose image holds
// version.json naming the version that channel currently points at.

export const RELEASE_CHANNELS = ['alpha', 'beta', 'early-access', 'stable', 'rock-solid'] as const;
export const LTS_CHANNEL = 'lts' as const;

export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number] | typeof LTS_CHANNEL;

/** The five standard channels, then LTS: the order channel tags are listed and aliased in. */
export const ALL_CHANNELS: readonly ReleaseChannel[] = [...RELEASE_CHANNELS, LTS_CHANNEL];

export function isReleaseChannel(value: string): value is ReleaseChannel {
  return (ALL_CHANNELS as readonly string[]).includes(value);
}

/** What a channel image's version.json says. */
export interface ChannelVersion {
  channel: ReleaseChannel;
  /** The version tag exactly as published, e.g. 'v1.69.2'. */
  version: string;
  suspended: boolean;
}
