// The Sigstore trusted root that travels in the bundle (`ferry pull --carry-trust FILE`): the only
// trust keyless signatures are checked against on the isolated side, which has no network to fetch
// one. It lies inside the transfer manifest, so the station's signature covers it; a root that is
// not under a valid station signature vouches for nothing (anyone could have put it there), and a
// root whose text no longer matches its recorded SHA-256 was changed after the pull.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TrustMaterial } from '@sigstore/verify';
import type { CarriedTrustedRoot, TransferManifest } from '../bundle/transfer-manifest.ts';
import { UsageError } from '../errors.ts';
import { trustFromRoot } from './sigstore-bundle.ts';

export type CarriedTrust = { material: TrustMaterial; sha256: string } | { problem: string };

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The trust material of a trusted root's JSON text; a string says why there is none. */
function materialOf(json: string): TrustMaterial | string {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return 'is not JSON';
  }
  const root = doc as { certificateAuthorities?: unknown; tlogs?: unknown } | null;
  if (!root || !Array.isArray(root.certificateAuthorities) || !Array.isArray(root.tlogs)) {
    return "is not a Sigstore trusted root (no 'certificateAuthorities' and 'tlogs')";
  }
  try {
    return trustFromRoot(doc);
  } catch (err) {
    return `is not a usable Sigstore trusted root (${(err as Error).message})`;
  }
}

/**
 * The bundle's trusted root, if it carries one, as trust for keyless signatures — or the reason it
 * cannot be trusted. `stationSigned`: the transfer manifest's signature holds (signing/
 * manifest-signature.ts; whether it is the station the operator trusts is --trusted-key's say).
 */
export function carriedTrust(manifest: TransferManifest, stationSigned: boolean): CarriedTrust | undefined {
  const root = manifest.trustedRoot;
  if (!root) return undefined;
  if (sha256Hex(root.json) !== root.sha256) {
    return {
      problem:
        'the trusted root in the bundle was changed after the pull (its SHA-256 no longer matches): pull the bundle again',
    };
  }
  if (!stationSigned) {
    return {
      problem:
        'the bundle carries a trusted root but is not signed by a station, so nothing vouches for that root: pull it on a station with a signing key',
    };
  }
  return trustOfRoot(root);
}

/** The trust of a trusted root the connected side holds itself (`ferry pull --policy --carry-trust`). */
export function trustOfRoot(root: CarriedTrustedRoot): CarriedTrust {
  const material = materialOf(root.json);
  return typeof material === 'string'
    ? { problem: `the trusted root ${material}` }
    : { material, sha256: root.sha256 };
}

/** `--carry-trust FILE`: a trusted root the user supplies (as `cosign trusted-root create` writes it),
 *  checked to be usable before anything is pulled. */
export async function readTrustedRootFile(file: string): Promise<CarriedTrustedRoot> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the trusted root ${file}: ${(err as Error).message}`, { cause: err });
  }
  const material = materialOf(json);
  if (typeof material === 'string') {
    throw new UsageError(
      `${file} ${material}: give the trusted_root.json of your Sigstore instance (cosign trusted-root create writes one)`,
    );
  }
  return { sha256: sha256Hex(json), json };
}
