// The verify job: checks who signed the bundle (refusing, with a trusted key, any other signer or
// none), then every chunk, blob and manifest, and with a station records the result in its ledger.
// The CLI's `ferry verify` and the app both call this, never verifyBundle directly.
import { openBundle, type OpenedBundle } from '../bundle/open-bundle.ts';
import { OperationRecorder } from '../ledger/recorder.ts';
import type { Station } from '../ledger/station.ts';
import {
  checkManifestSignature,
  requireAcceptedSignature,
  type SignatureCheck,
} from '../signing/manifest-signature.ts';
import type { TrustedKey } from '../signing/public-key.ts';
import { signatureAccepted } from '../verify/image-signature-verdict.ts';
import { checkBundleImageSignatures } from '../verify/signature-check.ts';
import { policyRecord, type SignaturePolicy } from '../verify/signature-policy.ts';
import { verifyBundle, type VerifyOptions } from '../verify/verify-bundle.ts';
import type { VerifyReport } from '../verify/verify-report.ts';

export interface VerifyJobOptions extends VerifyOptions {
  /** The station whose ledger records the verification. */
  station?: Station;
  /** Refuse a bundle not signed by this key. */
  trustedKey?: TrustedKey;
  /** Which images must carry a valid cosign signature, by which keys (`--key` or `--policy`). */
  signaturePolicy?: SignaturePolicy;
}

export interface VerifyJobReport extends VerifyReport {
  signature: SignatureCheck;
  /** Blobs an incremental pull left out (the target registry holds them): not missing. */
  omittedBlobs: number;
}

/** Verifies a bundle: one folder, or one folder per stick. */
export async function verify(
  folders: string | readonly string[],
  options: VerifyJobOptions = {},
): Promise<VerifyJobReport> {
  const { station, trustedKey, signaturePolicy, ...verifyOptions } = options;
  let bundle: OpenedBundle;
  try {
    bundle = await openBundle(folders);
  } catch (err) {
    if (station) {
      try {
        const bundleDir = typeof folders === 'string' ? folders : folders.join(', ');
        OperationRecorder.begin(station, { direction: 'verify', bundleDir }).recordFailure(err);
      } catch {
        // the unreadable bundle is the error to report
      }
    }
    throw err;
  }
  try {
    return await verifyOpened(bundle, station, trustedKey, signaturePolicy, verifyOptions);
  } finally {
    await bundle.close();
  }
}

async function verifyOpened(
  bundle: OpenedBundle,
  station: Station | undefined,
  trustedKey: TrustedKey | undefined,
  signaturePolicy: SignaturePolicy | undefined,
  verifyOptions: VerifyOptions,
): Promise<VerifyJobReport> {
  const { manifest, manifestDir } = bundle;
  const recorder = station
    ? OperationRecorder.begin(station, {
        direction: 'verify',
        bundleDir: manifestDir,
        transferId: manifest.transferId,
        options: {
          trustedKey: trustedKey?.fingerprint ?? null,
          ...(signaturePolicy ? policyRecord(signaturePolicy, manifest.trustedRoot) : {}),
        },
      })
    : undefined;
  const signature = await checkManifestSignature(manifestDir, trustedKey);
  try {
    requireAcceptedSignature(signature, manifestDir);
  } catch (err) {
    recorder?.refused(signature, err, manifest);
    throw err;
  }
  let report: VerifyReport;
  try {
    report = await verifyBundle(bundle, verifyOptions);
    if (signaturePolicy) {
      const imageSignatures = await checkBundleImageSignatures(
        bundle,
        signaturePolicy,
        signature.status === 'signed',
      );
      const accepted = imageSignatures.every((s) => signatureAccepted(s.verdict));
      report = { ...report, ok: report.ok && accepted, imageSignatures };
    }
  } catch (err) {
    recorder?.recordFailure(err, manifest);
    throw err;
  }
  recorder?.verified(manifest, report, signature);
  return { ...report, signature, omittedBlobs: manifest.omitted?.length ?? 0 };
}
