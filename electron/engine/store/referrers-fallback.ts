// The OCI 1.1 referrers tag schema: on a registry without the referrers API, a manifest with a
// `subject` is findable only through an index tagged `sha256-<subject hex>` that lists it. After
// pushing such a manifest to a registry that did not confirm the subject (no OCI-Subject header),
// the registry store adds it to that index — one update at a time per subject, so concurrent pushes
// of two referrers do not lose one.
import { NotFoundError } from '../errors.ts';
import { referrersFallbackTag } from '../oci/annotations.ts';
import { sha256Digest } from '../oci/digest.ts';
import { MediaTypes, type Descriptor, type ImageIndex, type RawManifest } from '../oci/types.ts';
import type { BlobSink, BlobSource } from './store.ts';

interface WithSubject {
  subject?: Descriptor;
  artifactType?: string;
  config?: Descriptor;
  annotations?: Record<string, string>;
}

/** The subject a manifest refers to, or undefined (most manifests have none). */
export function subjectOf(manifest: RawManifest): Descriptor | undefined {
  try {
    return (JSON.parse(manifest.bytes.toString('utf8')) as WithSubject).subject;
  } catch {
    return undefined;
  }
}

const queues = new Map<string, Promise<void>>();

export function addToReferrersFallback(
  store: BlobSource & BlobSink,
  repository: string,
  manifest: RawManifest,
  signal?: AbortSignal,
): Promise<void> {
  const subject = subjectOf(manifest);
  if (!subject) return Promise.resolve();
  const key = `${store.name}/${repository}@${subject.digest}`;
  const run = (queues.get(key) ?? Promise.resolve()).then(() =>
    update(store, repository, subject.digest, manifest, signal),
  );
  const settled = run.catch(() => {});
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

async function update(
  store: BlobSource & BlobSink,
  repository: string,
  subject: string,
  manifest: RawManifest,
  signal?: AbortSignal,
): Promise<void> {
  const tag = referrersFallbackTag(subject);
  let index: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] };
  try {
    index = JSON.parse(
      (await store.getManifest(repository, tag, signal)).bytes.toString('utf8'),
    ) as ImageIndex;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (index.manifests.some((d) => d.digest === manifest.digest)) return;
  const parsed = JSON.parse(manifest.bytes.toString('utf8')) as WithSubject;
  const artifactType = parsed.artifactType ?? parsed.config?.mediaType;
  index.manifests.push({
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.bytes.length,
    ...(artifactType ? { artifactType } : {}),
    ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
  });
  const bytes = Buffer.from(JSON.stringify(index));
  const digest = sha256Digest(bytes);
  await store.putManifest(repository, tag, { bytes, digest, mediaType: MediaTypes.ociIndex }, signal);
}
