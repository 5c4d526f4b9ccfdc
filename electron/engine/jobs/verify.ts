// The verify job: checks who signed the bundle (refusing, with a trusted key, any other signer or
// none), then every chunk, blob and manifest, and with a station records the result in its ledger.
// The CLI's `ferry verify` and the app both call this, never verifyBundle directly.
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import { readBundleManifest } from '../bundle/d8-format.ts';
import { OperationRecorder } from '../ledger/recorder.ts';
import type { Station } from '../ledger/station.ts';
import {
  checkManifestSignature,
  requireAcceptedSignature,
  type SignatureCheck,
} from '../signing/manifest-signature.ts';
import type { TrustedKey } from '../signing/public-key.ts';
import { verifyBundle, type VerifyOptions } from '../verify/verify-bundle.ts';
import type { VerifyReport } from '../verify/verify-report.ts';

export interface VerifyJobOptions extends VerifyOptions {
  /** The station whose ledger records the verification. */
  station?: Station;
  /** Refuse a bundle not signed by this key. */
  trustedKey?: TrustedKey;
}

export interface VerifyJobReport extends VerifyReport {
  signature: SignatureCheck;
  /** Blobs an incremental pull left out (the target registry holds them): not missing. */
  omittedBlobs: number;
}

export async function verify(dir: string, options: VerifyJobOptions = {}): Promise<VerifyJobReport> {
  const { station, trustedKey, ...verifyOptions } = options;
  let manifest: TransferManifest;
  try {
    // A bundle `d8 mirror pull` wrote has no manifest of its own: one is read from its index.json files.
    manifest = await readBundleManifest(dir);
  } catch (err) {
    if (station) {
      try {
        OperationRecorder.begin(station, { direction: 'verify', bundleDir: dir }).recordFailure(err);
      } catch {
        // the unreadable bundle is the error to report
      }
    }
    throw err;
  }
  const recorder = station
    ? OperationRecorder.begin(station, {
        direction: 'verify',
        bundleDir: dir,
        transferId: manifest.transferId,
        options: { trustedKey: trustedKey?.fingerprint ?? null },
      })
    : undefined;
  const signature = await checkManifestSignature(dir, trustedKey);
  try {
    requireAcceptedSignature(signature, dir);
  } catch (err) {
    recorder?.refused(signature, err, manifest);
    throw err;
  }
  let report: VerifyReport;
  try {
    report = await verifyBundle(dir, verifyOptions);
  } catch (err) {
    recorder?.recordFailure(err, manifest);
    throw err;
  }
  recorder?.verified(manifest, report, signature);
  return { ...report, signature, omittedBlobs: manifest.omitted?.length ?? 0 };
}
