// `ferry verify`: are the sticks complete and intact? Names the damaged file, range and images.
import { describeSignature, verify } from '../../engine/api/bundles.ts';
import { UsageError } from '../../engine/api/errors.ts';
import { platformLabel } from '../../engine/api/distribution.ts';
import { describeImageSignature, signatureAccepted } from '../../engine/api/signatures.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { imageKeyFlag, signaturePolicyFrom } from '../image-keys.ts';
import { progressRenderer } from '../progress.ts';
import { operatorFlag, stationFor, trustedKeyFlag, trustedKeyFrom } from '../station.ts';
import { countImages } from '../../../shared/counts.ts';

export const verifyCommand: Command = {
  name: 'verify',
  usage:
    'ferry verify <bundle-dir>... [--deep] [--json] [--trusted-key FILE] [--key FILE]... [--policy FILE]   (several folders: one per stick)',
  options: {
    deep: { type: 'boolean', help: 'also re-hash every blob on its own (reads the bundle twice)' },
    json: { type: 'boolean', help: 'print the full report as JSON' },
    ...trustedKeyFlag,
    ...imageKeyFlag,
    ...operatorFlag,
  },
  async run(args, io) {
    const dirs = args.positionals;
    if (dirs.length === 0) throw new UsageError('give the bundle folder: ferry verify <bundle-dir>...');
    const progress = progressRenderer(io, false);
    const trustedKey = await trustedKeyFrom(args);
    const signaturePolicy = await signaturePolicyFrom(args);
    const report = await verify(dirs, {
      ...(signaturePolicy ? { signaturePolicy } : {}),
      station: stationFor(args, io),
      ...(trustedKey ? { trustedKey } : {}),
      deep: args.values.deep === true,
      signal: io.signal,
      ...(args.values.json ? {} : { onEvent: progress }),
    });
    progress.done();
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const rate = report.seconds > 0 ? report.bytesChecked / report.seconds : 0;
      for (const p of report.problems) {
        io.stdout.write(
          `✗ ${p.message}\n${p.images.length ? `    images affected: ${p.images.join(', ')}\n` : ''}`,
        );
      }
      io.stdout.write(
        `${report.signature.status === 'signed' ? '✓' : '!'} ${describeSignature(report.signature)}\n`,
      );
      for (const s of report.imageSignatures ?? []) {
        io.stdout.write(
          `${signatureAccepted(s.verdict) ? '✓' : '✗'} ${s.source}: ${describeImageSignature(s.verdict)}\n`,
        );
      }
      const unsigned = (report.imageSignatures ?? []).filter((s) => !signatureAccepted(s.verdict));
      if (unsigned.length)
        io.stdout.write(
          `✗ ${unsigned.length} of ${report.images.length} image(s) carry no valid signature by the required key(s) or identities\n`,
        );
      const carried = report.carriedFerry;
      if (carried?.intact)
        io.stdout.write(
          `✓ carried Ferry ${carried.version} for ${carried.platforms.map(platformLabel).join(', ')}: ${carried.files} file(s) intact\n`,
        );
      if (report.omittedBlobs)
        io.stdout.write(
          `  incremental bundle: ${report.omittedBlobs} blob(s) left out, the target registry holds them (push mounts them there)\n`,
        );
      // Distinct images (shared/counts.ts), as the app and the bundle's totals count them.
      const images = countImages(report.images);
      const bad = countImages(report.images.filter((i) => !i.ok));
      io.stdout.write(
        report.ok
          ? `✓ bundle ${report.transferId} verified: ${report.files.length} file(s), ${images} image(s), ${report.blobsChecked} blob(s), ${formatBytes(report.bytesChecked)} in ${report.seconds.toFixed(1)} s (${formatBytes(rate)}/s)\n`
          : `✗ bundle ${report.transferId} FAILED verification: ${report.problems.length} problem(s), ${bad} of ${images} image(s) affected\n`,
      );
    }
    return report.ok ? ExitCodes.ok : ExitCodes.verification;
  },
};
