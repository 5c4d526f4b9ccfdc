// The image-signature check, loaded when asked for: it brings the Sigstore libraries, whose loading a
// verify, push or pull without --key/--policy (most of them) should not pay at start-up.
import type { CarriedTrustedRoot } from '../bundle/transfer-manifest.ts';
import type { OpenedBundle } from '../bundle/open-bundle.ts';
import type { ImageSignatureResult } from './image-signature-verdict.ts';
import type { SignaturePolicy } from './signature-policy.ts';

/** Every image's verdict under the policy; keyless signatures against the trusted root the bundle
 *  carries, which counts only when the station's signature of the manifest holds (`stationSigned`). */
export async function checkBundleImageSignatures(
  bundle: OpenedBundle,
  policy: SignaturePolicy,
  stationSigned: boolean,
): Promise<ImageSignatureResult[]> {
  const [{ carriedTrust }, { checkImageSignatures }] = await Promise.all([
    import('./carried-trust.ts'),
    import('./image-signatures.ts'),
  ]);
  return checkImageSignatures(bundle, policy, carriedTrust(bundle.manifest, stationSigned));
}

/** `--carry-trust FILE`, read and checked to be a usable trusted root (carried-trust.ts). */
export async function readTrustedRootFile(file: string): Promise<CarriedTrustedRoot> {
  return (await import('./carried-trust.ts')).readTrustedRootFile(file);
}
