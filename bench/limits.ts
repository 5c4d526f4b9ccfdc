// What the registry allows, measured with the simplest client that moves the same bytes: the
// "limit" columns of the pull and push benchmarks. Fetching is curl (every distinct blob and manifest,
// 8 at a time); uploading is a bare undici loop (every distinct blob once in a monolithic
// POST + PUT, a cross-repository mount where another repository holds it, then the manifests), so
// neither side pays for planning, verifying, chunking or a ledger.
//
// Between curl and ferry, `nodeFetchWrite` is what any Node program must do to keep the same bytes
// checked and on disk: a bare undici loop that fetches them, hashes each, writes it into one file
// and syncs the file. curl writes to /dev/null and checks nothing; on two cores shared with the
// registry, the hashing and the page-cache writes alone cost several times its time.
import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BenchFailure, type MultiArchSeed, pool, run, timed } from './common.ts';

const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';

/** Seconds for curl to GET every distinct blob and manifest of the seed from `host`, `parallel` at a time. */
export async function curlFetch(
  seed: MultiArchSeed,
  host: string,
  work: string,
  parallel = 8,
): Promise<number> {
  const urls = new Map<string, string>();
  for (const image of seed.images) {
    const base = `http://${host}/v2/${image.repository}`;
    for (const b of image.blobs) if (!urls.has(b.digest)) urls.set(b.digest, `${base}/blobs/${b.digest}`);
    for (const m of image.manifests)
      if (!urls.has(m.digest)) urls.set(m.digest, `${base}/manifests/${m.digest}`);
  }
  const config = join(work, 'curl.cfg');
  writeFileSync(config, [...urls.values()].map((u) => `url = "${u}"\noutput = "/dev/null"\n`).join(''));
  const args = ['--silent', '--show-error', '--fail', '-H', `Accept: ${ACCEPT}`, '--parallel'];
  const { seconds } = await timed(() =>
    run('curl', [...args, '--parallel-max', String(parallel), '--config', config]),
  );
  return seconds;
}

/**
 * Seconds for a bare undici loop to GET every distinct blob and manifest of the seed, `parallel` at a
 * time, check its sha256 and write it at its own offset in one file under `work` (1 MiB writes, as
 * ferry's), then sync that file: ferry's copy without a plan, a tar layout, chunk checksums or a ledger.
 */
export async function nodeFetchWrite(
  seed: MultiArchSeed,
  host: string,
  work: string,
  parallel = 16,
): Promise<number> {
  const items = new Map<string, { path: string; offset: number }>();
  let end = 0;
  for (const image of seed.images) {
    const base = `/v2/${image.repository}`;
    for (const b of image.blobs) {
      if (items.has(b.digest)) continue;
      items.set(b.digest, { path: `${base}/blobs/${b.digest}`, offset: end });
      end += b.size;
    }
    for (const m of image.manifests) {
      if (items.has(m.digest)) continue;
      // Manifests are small: a slot of 64 KiB is room enough.
      items.set(m.digest, { path: `${base}/manifests/${m.digest}`, offset: end });
      end += 64 << 10;
    }
  }
  const client = new Pool(`http://${host}`, { connections: parallel });
  const target = join(work, 'node-fetch-write.bin');
  const file = await open(target, 'w');
  try {
    const { seconds } = await timed(async () => {
      await pool([...items], parallel, async ([digest, { path, offset }]) => {
        const res = await client.request({ method: 'GET', path, headers: { accept: ACCEPT } });
        if (res.statusCode !== 200) throw new BenchFailure(`node fetch: ${path} answered ${res.statusCode}`);
        const hash = createHash('sha256');
        let at = offset;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async (): Promise<void> => {
          await file.writev(pending, at);
          at += pendingBytes;
          pending = [];
          pendingBytes = 0;
        };
        for await (const chunk of res.body) {
          const bytes = chunk as Buffer;
          hash.update(bytes);
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= 1 << 20) await flush();
        }
        if (pendingBytes > 0) await flush();
        if (`sha256:${hash.digest('hex')}` !== digest)
          throw new BenchFailure(`node fetch: ${path} has other bytes`);
      });
      await file.datasync();
    });
    return seconds;
  } finally {
    await file.close();
    await client.close();
    rmSync(target, { force: true });
  }
}

/**
 * Seconds to upload the seed from skopeo's OCI layouts (`<root>/<image index>/blobs/sha256/<hex>`)
 * into `<host>/<prefix>/<repository>`, `parallel` requests at a time.
 */
export async function plainUpload(
  seed: MultiArchSeed,
  layoutsRoot: string,
  host: string,
  prefix: string,
  parallel = 8,
): Promise<number> {
  const client = new Pool(`http://${host}`, { connections: parallel });
  const file = (imageIndex: number, digest: string) =>
    join(layoutsRoot, String(imageIndex), 'blobs', 'sha256', digest.slice('sha256:'.length));
  const expect = async (
    res: { statusCode: number; body: { dump(): Promise<void> } },
    ok: number,
    what: string,
  ): Promise<void> => {
    await res.body.dump();
    if (res.statusCode !== ok) throw new BenchFailure(`plain upload: ${what} answered ${res.statusCode}`);
  };
  const firstHolder = new Map<string, { repository: string; imageIndex: number }>();
  const mounts: Array<{ digest: string; repository: string; from: string }> = [];
  seed.images.forEach((image, imageIndex) => {
    const repository = `${prefix}/${image.repository}`;
    for (const b of image.blobs) {
      const holder = firstHolder.get(b.digest);
      if (holder === undefined) firstHolder.set(b.digest, { repository, imageIndex });
      else mounts.push({ digest: b.digest, repository, from: holder.repository });
    }
  });
  try {
    const { seconds } = await timed(async () => {
      await pool([...firstHolder], parallel, async ([digest, { repository, imageIndex }]) => {
        const started = await client.request({ method: 'POST', path: `/v2/${repository}/blobs/uploads/` });
        await expect(started, 202, `POST upload of ${digest}`);
        const location = new URL(String(started.headers.location), `http://${host}`);
        location.searchParams.set('digest', digest);
        const path = file(imageIndex, digest);
        const put = await client.request({
          method: 'PUT',
          path: `${location.pathname}${location.search}`,
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(statSync(path).size),
          },
          body: createReadStream(path),
        });
        await expect(put, 201, `PUT of ${digest}`);
      });
      await pool(mounts, parallel, async ({ digest, repository, from }) => {
        const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
        const res = await client.request({
          method: 'POST',
          path: `/v2/${repository}/blobs/uploads/?${query}`,
        });
        await expect(res, 201, `mount of ${digest}`);
      });
      await pool(seed.images, parallel, async (image, imageIndex) => {
        for (const m of image.manifests) {
          const reference = m === image.manifests.at(-1) ? image.tag : m.digest;
          const path = file(imageIndex, m.digest);
          const res = await client.request({
            method: 'PUT',
            path: `/v2/${prefix}/${image.repository}/manifests/${reference}`,
            headers: { 'content-type': m.mediaType, 'content-length': String(statSync(path).size) },
            body: createReadStream(path),
          });
          await expect(res, 201, `manifest ${m.digest}`);
        }
      });
    });
    return seconds;
  } finally {
    await client.close();
  }
}
