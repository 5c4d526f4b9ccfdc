import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { BundleInvalidError, FerryError, RegistryError } from '../errors.ts';
import { sha256Digest } from './digest.ts';
import {
  acceptedManifestTypes,
  blobDescriptors,
  childDescriptors,
  detectMediaType,
  isForeignLayer,
  isImageIndex,
  isIndexMediaType,
  isManifestMediaType,
  parseManifest,
} from './manifest.ts';
import { MediaTypes, type ImageIndex, type ImageManifest, type RawManifest } from './types.ts';

const d = (n: number): string => 'sha256:' + n.toString(16).padStart(64, '0');

const ociManifest = {
  schemaVersion: 2,
  mediaType: MediaTypes.ociManifest,
  config: { mediaType: MediaTypes.ociConfig, digest: d(1), size: 123 },
  layers: [
    { mediaType: MediaTypes.ociLayerGzip, digest: d(2), size: 1000 },
    { mediaType: MediaTypes.ociLayerGzip, digest: d(3), size: 2000, annotations: { 'x.y': 'z' } },
  ],
  annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  extraField: { kept: true },
};

const dockerManifest = {
  schemaVersion: 2,
  mediaType: MediaTypes.dockerManifest,
  config: { mediaType: MediaTypes.dockerConfig, digest: d(4), size: 10 },
  layers: [{ mediaType: MediaTypes.dockerLayerGzip, digest: d(5), size: 20 }],
};

const ociIndex = {
  schemaVersion: 2,
  mediaType: MediaTypes.ociIndex,
  manifests: [
    {
      mediaType: MediaTypes.ociManifest,
      digest: d(6),
      size: 500,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    {
      mediaType: MediaTypes.ociManifest,
      digest: d(7),
      size: 501,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
  ],
};

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const raw = (value: unknown, mediaType: string): RawManifest => {
  const b = bytes(value);
  return { bytes: b, mediaType, digest: sha256Digest(b) };
};

/** Runs parseManifest and returns the error it threw. */
function parseError(...args: Parameters<typeof parseManifest>): FerryError {
  try {
    parseManifest(...args);
  } catch (err) {
    if (err instanceof FerryError) return err;
    throw err;
  }
  throw new Error('parseManifest did not throw');
}

describe('media types', () => {
  it.each([
    [MediaTypes.ociIndex, true, false],
    [MediaTypes.dockerManifestList, true, false],
    [MediaTypes.ociManifest, false, true],
    [MediaTypes.dockerManifest, false, true],
    [`${MediaTypes.ociIndex}; charset=utf-8`, true, false],
    [MediaTypes.dockerManifest.toUpperCase(), false, true],
    ['application/json', false, false],
    ['application/vnd.docker.distribution.manifest.v1+prettyjws', false, false],
    [MediaTypes.ociConfig, false, false],
  ])('%s: index %s, manifest %s', (mt, index, manifest) => {
    expect(isIndexMediaType(mt)).toBe(index);
    expect(isManifestMediaType(mt)).toBe(manifest);
  });

  it('accepts OCI and Docker manifests and indexes', () => {
    expect([...acceptedManifestTypes].sort()).toStrictEqual(
      [
        MediaTypes.ociIndex,
        MediaTypes.ociManifest,
        MediaTypes.dockerManifestList,
        MediaTypes.dockerManifest,
      ].sort(),
    );
  });
});

describe('detectMediaType', () => {
  const noField = { schemaVersion: 2, manifests: [] };
  it.each<[string, Buffer, string | undefined, string]>([
    [
      'a known header wins over the body',
      bytes(ociManifest),
      MediaTypes.dockerManifest,
      MediaTypes.dockerManifest,
    ],
    [
      'header parameters are dropped',
      bytes(ociIndex),
      `${MediaTypes.ociIndex}; charset=utf-8`,
      MediaTypes.ociIndex,
    ],
    [
      'a generic header defers to the body',
      bytes(dockerManifest),
      'application/json',
      MediaTypes.dockerManifest,
    ],
    ['no header: the body field', bytes(ociIndex), undefined, MediaTypes.ociIndex],
    ['no field: manifests means index', bytes(noField), undefined, MediaTypes.ociIndex],
    [
      'no field: otherwise a manifest',
      bytes({ schemaVersion: 2, config: ociManifest.config, layers: [] }),
      'text/plain',
      MediaTypes.ociManifest,
    ],
    [
      'schema 1 is recognised',
      bytes({ schemaVersion: 1, name: 'x' }),
      undefined,
      'application/vnd.docker.distribution.manifest.v1+json',
    ],
    ['not JSON: the header as given', Buffer.from('<html>'), 'Text/HTML', 'text/html'],
    ['not JSON and no header', Buffer.from('<html>'), undefined, 'application/octet-stream'],
  ])('%s', (_name, body, header, expected) => {
    expect(detectMediaType(body, header)).toBe(expected);
  });
});

describe('parseManifest: valid input', () => {
  it('parses an OCI manifest from a Buffer and keeps unknown fields', () => {
    const m = parseManifest(bytes(ociManifest));
    expect(isImageIndex(m)).toBe(false);
    expect(m).toStrictEqual(ociManifest);
  });

  it('parses a Docker manifest from a RawManifest', () => {
    const m = parseManifest(raw(dockerManifest, MediaTypes.dockerManifest)) as ImageManifest;
    expect(m.config.digest).toBe(d(4));
    expect(m.layers).toHaveLength(1);
  });

  it('parses an index and lists its children in order', () => {
    const m = parseManifest(raw(ociIndex, MediaTypes.ociIndex));
    expect(isImageIndex(m)).toBe(true);
    const children = childDescriptors(m as ImageIndex);
    expect(children.map((c) => c.digest)).toStrictEqual([d(6), d(7)]);
    expect(children[1]?.platform).toStrictEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    children.pop();
    expect((m as ImageIndex).manifests).toHaveLength(2); // a copy, not the parsed array
  });

  it('parses a Docker manifest list with no mediaType header', () => {
    const list = { ...ociIndex, mediaType: MediaTypes.dockerManifestList };
    expect(isImageIndex(parseManifest(bytes(list)))).toBe(true);
  });

  it('infers the kind when neither header nor body names it', () => {
    const { mediaType: _omit, ...bare } = ociIndex;
    expect(isImageIndex(parseManifest(bytes(bare), 'application/octet-stream'))).toBe(true);
  });

  it('accepts an unfamiliar (artifact) media type by its shape', () => {
    const artifact = { ...ociManifest, mediaType: 'application/vnd.example.thing.v1+json' };
    expect(isImageIndex(parseManifest(bytes(artifact), 'application/vnd.example.thing.v1+json'))).toBe(false);
  });

  it('accepts a subject and an empty layer list (OCI 1.1 artifacts)', () => {
    const referrer = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      config: { mediaType: MediaTypes.ociEmpty, digest: d(8), size: 2 },
      layers: [],
      subject: { mediaType: MediaTypes.ociManifest, digest: d(9), size: 400 },
    };
    const m = parseManifest(bytes(referrer)) as ImageManifest;
    expect(m.subject?.digest).toBe(d(9));
    expect(blobDescriptors(m).map((b) => b.digest)).toStrictEqual([d(8)]);
  });
});

describe('parseManifest: invalid input', () => {
  const withLayer = (layer: unknown) => ({ ...ociManifest, layers: [ociManifest.layers[0], layer] });
  it.each<[string, Buffer, string | undefined, RegExp]>([
    ['not JSON', Buffer.from('{"schemaVersion": 2,'), undefined, /is not valid JSON \(20 bytes\)/],
    ['not an object', bytes([1, 2]), MediaTypes.ociManifest, /is not a JSON object/],
    [
      'schema 1',
      bytes({ schemaVersion: 1, name: 'x', fsLayers: [] }),
      undefined,
      /Docker schema 1 manifests/,
    ],
    [
      'schema 1 by media type',
      bytes({ schemaVersion: 2 }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      /schema 1/,
    ],
    ['schemaVersion 3', bytes({ ...ociManifest, schemaVersion: 3 }), undefined, /schemaVersion must be 2/],
    [
      'schemaVersion missing',
      bytes({ ...ociIndex, schemaVersion: undefined }),
      undefined,
      /schemaVersion must be 2/,
    ],
    [
      'no config',
      bytes({ ...ociManifest, config: undefined }),
      undefined,
      /config must be a descriptor object/,
    ],
    ['no layers', bytes({ ...ociManifest, layers: undefined }), undefined, /layers is missing/],
    [
      'no manifests',
      bytes({ ...ociIndex, manifests: undefined }),
      MediaTypes.ociIndex,
      /manifests is missing/,
    ],
    [
      'bad layer digest',
      bytes(withLayer({ ...ociManifest.layers[0], digest: 'sha256:xyz' })),
      undefined,
      /layers\[1\]\.digest 'sha256:xyz'/,
    ],
    [
      'no layer digest',
      bytes(withLayer({ mediaType: 'x', size: 1 })),
      undefined,
      /layers\[1\]\.digest is missing/,
    ],
    [
      'no layer mediaType',
      bytes(withLayer({ digest: d(1), size: 1 })),
      undefined,
      /layers\[1\]\.mediaType is missing/,
    ],
    [
      'negative size',
      bytes(withLayer({ ...ociManifest.layers[0], size: -1 })),
      undefined,
      /layers\[1\]\.size must be/,
    ],
    [
      'string size',
      bytes(withLayer({ ...ociManifest.layers[0], size: '1' })),
      undefined,
      /layers\[1\]\.size must be/,
    ],
    [
      'bad urls',
      bytes(withLayer({ ...ociManifest.layers[0], urls: 'http://x' })),
      undefined,
      /layers\[1\]\.urls/,
    ],
    [
      'bad annotations',
      bytes({ ...ociManifest, annotations: { a: 1 } }),
      undefined,
      /annotations must be an object/,
    ],
    [
      'bad platform',
      bytes({ ...ociIndex, manifests: [{ ...ociIndex.manifests[0], platform: { os: 'linux' } }] }),
      undefined,
      /manifests\[0\]\.platform must have/,
    ],
    [
      'bad subject',
      bytes({ ...ociManifest, subject: { digest: d(1) } }),
      undefined,
      /subject\.mediaType is missing/,
    ],
    [
      'index served, manifest inside',
      bytes(ociManifest),
      MediaTypes.ociIndex,
      /mediaType says .* but the manifest was served as/,
    ],
    [
      'unreadable unknown type',
      bytes({ schemaVersion: 2, mediaType: 'application/x-thing' }),
      undefined,
      /'application\/x-thing' is not a manifest or index type/,
    ],
  ])('%s', (_name, body, header, message) => {
    const err = parseError(body, header);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.code).toBe(ErrorCodes.REGISTRY);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('names the manifest by its digest, or by the given label', () => {
    const r = raw({ ...ociManifest, layers: undefined }, MediaTypes.ociManifest);
    expect(parseError(r).message).toBe(`invalid manifest ${r.digest}: layers is missing (expected an array)`);
    expect(parseError(r, undefined, { label: 'docker.io/library/alpine:3' }).message).toMatch(
      /^invalid manifest docker.io\/library\/alpine:3: layers/,
    );
    expect(parseError(r).details).toMatchObject({
      digest: r.digest,
      field: 'layers',
      mediaType: MediaTypes.ociManifest,
    });
  });

  it('throws BundleInvalidError when reading from a bundle', () => {
    const err = parseError(Buffer.from('garbage'), undefined, { source: 'bundle' });
    expect(err).toBeInstanceOf(BundleInvalidError);
    expect(err.code).toBe(ErrorCodes.BUNDLE_INVALID);
  });
});

describe('blobDescriptors', () => {
  it('lists config then layers', () => {
    const m = parseManifest(bytes(ociManifest)) as ImageManifest;
    expect(blobDescriptors(m).map((b) => b.digest)).toStrictEqual([d(1), d(2), d(3)]);
    expect(blobDescriptors(m).some((b) => b.foreign)).toBe(false);
  });

  it('keeps foreign layers but flags them, without touching the parsed manifest', () => {
    const foreignType = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
    const m = parseManifest(
      bytes({
        ...dockerManifest,
        layers: [
          { mediaType: foreignType, digest: d(10), size: 1, urls: ['https://mcr.microsoft.com/x'] },
          { mediaType: MediaTypes.ociLayerGzip, digest: d(11), size: 2, urls: ['https://example.com/y'] },
          {
            mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
            digest: d(12),
            size: 3,
          },
          { mediaType: MediaTypes.dockerLayerGzip, digest: d(13), size: 4, urls: [] },
        ],
      }),
    ) as ImageManifest;
    const blobs = blobDescriptors(m);
    expect(blobs.map((b) => [b.digest, b.foreign === true])).toStrictEqual([
      [d(4), false],
      [d(10), true],
      [d(11), true],
      [d(12), true],
      [d(13), false],
    ]);
    expect('foreign' in (m.layers[0] ?? {})).toBe(false);
    expect(isForeignLayer(m.layers[0]!)).toBe(true);
  });
});
