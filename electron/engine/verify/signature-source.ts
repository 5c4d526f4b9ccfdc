// What the image-signature checks read and gather: where signatures come from (the bundle, or the
// source registry for `ferry pull --policy`), the image they are about, a bounded, digest-checked read
// of a small signed blob, and the findings a verdict is made of.
import type { Readable } from 'node:stream';
import type { ArtifactKind } from '../plan/image-graph.ts';
import { digestLike } from '../oci/digest.ts';

/** Simple-signing payloads are a few hundred bytes, Sigstore bundles a few KiB; a bigger one is not
 *  read into memory. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Where signatures are read from: the bundle on the isolated side (BundleSource), the source
 *  registry on the connected side (`ferry pull --policy`). */
export interface SignatureSource {
  getManifest(repository: string, reference: string): Promise<{ bytes: Buffer }>;
  getBlob(repository: string, digest: string): Promise<{ size: number; stream: Readable }>;
}

/** An image whose signatures are checked, and the artifacts that travel with it. */
export interface SignedImage {
  digest: string;
  /** The repository as the bundle names it: what the policy's patterns match. */
  name: string;
  /** The repository to read it and its artifacts from in the source. */
  repository: string;
  artifacts: ReadonlyArray<{ kind: ArtifactKind; subject: string; digest: string }>;
}

export type Artifact = SignedImage['artifacts'][number];

export async function readPayload(
  source: SignatureSource,
  repository: string,
  digest: string,
): Promise<Buffer> {
  const blob = await source.getBlob(repository, digest);
  if (blob.size > MAX_PAYLOAD_BYTES) {
    blob.stream.destroy();
    throw new Error(
      `payload ${digest} is ${blob.size} bytes, too big for a signature payload or Sigstore bundle`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (digestLike(bytes, digest) !== digest) throw new Error(`payload ${digest} is damaged in the bundle`);
  return bytes;
}

/** Why the signatures an image carries do not satisfy its rule, gathered so the verdict can say the
 *  most telling one: a valid signature of another image first, then every other problem. */
export class Findings {
  otherDigest: { signer: string; digest: string } | undefined;
  problems: string[] = [];
  checked = 0;
}
