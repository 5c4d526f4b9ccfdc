// The facade's readers of what a person types: references, platforms, sizes, image lists, logins.
export { parseRepositoryPath, qualifyReference } from '../ref/reference.ts';
export { parsePlatform } from '../oci/platform.ts';
export { parseSize } from '../util/size.ts';
export { imageRequest, readImagesFile } from '../jobs/image-list.ts';
export type { ImageRequest } from '../plan/image-graph.ts';
export type { DeckhouseSelection } from '../deckhouse/planner.ts';
export { chainCredentials, dockerConfigCredentials, staticCredentials } from '../transport/docker-config.ts';
export { timeoutFromEnv } from '../transport/duration.ts';
export { defaultConcurrency } from '../copy/copy.ts';
export type { CredentialSource, Credentials, TransportOptions } from '../transport/types.ts';
export { pingRegistry } from '../jobs/registry-ping.ts';
