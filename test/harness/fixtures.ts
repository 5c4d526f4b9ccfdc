// Generated registry content for tests: builders for blobs, manifests, indexes and tar.gz layers,
// and seeders that push a known data set into a harness registry and describe exactly what they
// pushed. One import point; the pieces live in files with one job each.
export * from './oci-builders.ts';
export * from './seed-recorder.ts';
export * from './seed-generic.ts';
export * from './seed-deckhouse.ts';
