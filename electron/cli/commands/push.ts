// `ferry push`: a verified bundle into the private registry, digests unchanged.
import { describeSignature } from '../../engine/api/bundles.ts';
import { UsageError } from '../../engine/api/errors.ts';
import { writeFileAtomic } from '../../engine/api/files.ts';
import { parseRepositoryPath } from '../../engine/api/input.ts';
import { push, pushOutputs } from '../../engine/api/push.ts';
import { signatureAccepted } from '../../engine/api/signatures.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { imageKeyFlag, signaturePolicyFrom } from '../image-keys.ts';
import { progressRenderer } from '../progress.ts';
import { concurrencyOf, transportFlags, transportOptions } from '../registry-flags.ts';
import {
  deckhousePushFlags,
  pushNoEffectFlags,
  pushInputs,
  reportModuleSource,
  writeDeckhouseReleases,
} from '../deckhouse-push.ts';
import { noEffectNotes } from '../deckhouse-flags.ts';
import { operatorFlag, stationFor, trustedKeyFlag, trustedKeyFrom } from '../station.ts';
import { countImages } from '../../../shared/counts.ts';

export const pushCommand: Command = {
  name: 'push',
  usage:
    'ferry push <bundle-dir>... <registry-host[:port]/path> [flags]   (several folders: one per stick)\n' +
    '       ferry push [<archive.tar | archive.tar.NNNN.chunk>] <registry-host[:port]/path> [--file ARCHIVE ...]',
  options: {
    'registry-login': {
      type: 'string',
      short: 'u',
      arg: 'USER',
      help: 'target registry login (env D8_MIRROR_REGISTRY_LOGIN)',
    },
    'registry-password': {
      type: 'string',
      short: 'p',
      arg: 'PASS',
      help: 'target registry password (env D8_MIRROR_REGISTRY_PASSWORD)',
    },
    ...transportFlags,
    'dry-run': { type: 'boolean', help: 'show where every image would go; write nothing' },
    'pull-secret': {
      type: 'string',
      arg: 'FILE',
      help: 'also write a Kubernetes pull Secret for the target to FILE',
    },
    ...trustedKeyFlag,
    ...imageKeyFlag,
    ...operatorFlag,
    ...deckhousePushFlags,
    json: { type: 'boolean', help: 'print progress and the result as JSON lines' },
  },
  async run(args, io) {
    const v = args.values;
    // The target comes last, after the bundle folder (or one folder per stick), as with cp; d8's
    // forms work too: one .tar or chunk instead of the folder, or only --file archives.
    const files = (v.file as string[] | undefined) ?? [];
    const given = args.positionals.slice(0, -1);
    const last = args.positionals.at(-1);
    if ((given.length === 0 && files.length === 0) || !last)
      throw new UsageError('usage: ferry push <bundle-dir>... <registry-host[:port]/path>');
    // d8 takes the registry with an http:// or https:// prefix and drops it (push validation.go).
    const target = last.replace(/^https?:\/\//, '');
    const { bundleDirs, archives } = await pushInputs(given, files);
    const { registry } = parseRepositoryPath(target);
    for (const note of noEffectNotes(args, pushNoEffectFlags)) io.stderr.write(`${note}\n`);
    const username = (v['registry-login'] as string | undefined) ?? io.env.D8_MIRROR_REGISTRY_LOGIN;
    const password = (v['registry-password'] as string | undefined) ?? io.env.D8_MIRROR_REGISTRY_PASSWORD;
    if (v['pull-secret'] && !(username && password))
      throw new UsageError('--pull-secret needs the registry login and password (-u/-p)');
    const transport = transportOptions(
      args,
      io.env,
      { username, password },
      [registry],
      'check -u/-p (--registry-login/--registry-password) or docker login',
    );

    const progress = progressRenderer(io, v.json === true);
    const trustedKey = await trustedKeyFrom(args);
    const signaturePolicy = await signaturePolicyFrom(args);
    const report = await push({
      ...(signaturePolicy ? { signaturePolicy } : {}),
      station: stationFor(args, io),
      ...(trustedKey ? { trustedKey } : {}),
      bundleDir: bundleDirs,
      ...(archives ? { archives } : {}),
      target,
      transport,
      concurrency: concurrencyOf(args),
      dryRun: v['dry-run'] === true,
      ...(v['modules-path-suffix'] ? { modulesPathSuffix: v['modules-path-suffix'] as string } : {}),
      signal: io.signal,
      onEvent: progress,
    });
    progress.done();
    const outputs = v['dry-run']
      ? {}
      : await pushOutputs({
          target,
          report,
          login: { username, password },
          insecure: v.insecure === true,
          ...(io.env.SSL_CERT_FILE
            ? { ca: { file: io.env.SSL_CERT_FILE, name: `SSL_CERT_FILE ${io.env.SSL_CERT_FILE}` } }
            : {}),
          moduleSource: v['module-source'] !== undefined,
          ...(v['modules-path-suffix'] ? { modulesPathSuffix: v['modules-path-suffix'] as string } : {}),
        });
    if (v['pull-secret'] && outputs.pullSecret) {
      await writeFileAtomic(v['pull-secret'] as string, outputs.pullSecret, 0o600);
    }
    if (v.json) {
      io.stdout.write(`${JSON.stringify({ type: 'result', ...report })}\n`);
    } else {
      for (const i of report.images) {
        const mark = i.status === 'pushed' ? '✓' : i.status === 'planned' ? '→' : '✗';
        io.stdout.write(`${mark} ${i.source} → ${i.target}${i.error ? `: ${i.error}` : ''}\n`);
      }
      if (report.signature)
        io.stdout.write(
          `${report.signature.status === 'signed' ? '✓' : '!'} ${describeSignature(report.signature)}\n`,
        );
      // Distinct images (shared/counts.ts): a release pushed under its version and channels is one.
      const pushed = countImages(report.images.filter((i) => i.status === 'pushed'));
      const refused = report.images.filter((i) => i.status === 'refused');
      const unsigned = refused.filter((i) => i.signatureVerdict && !signatureAccepted(i.signatureVerdict));
      const damaged = refused.length - unsigned.length;
      const refusal = [
        ...(unsigned.length
          ? [
              `REFUSED ${unsigned.length} image(s) without a valid signature by the required key(s) or identities`,
            ]
          : []),
        ...(damaged
          ? [
              `REFUSED ${damaged} damaged or unreadable image(s): run 'ferry verify ${bundleDirs.join(' ')}' and copy the named files again`,
            ]
          : []),
      ].join('; ');
      io.stdout.write(
        v['dry-run']
          ? `dry run: ${countImages(report.images)} image(s) would go to ${report.registry}; nothing was written\n`
          : refused.length
            ? `pushed ${pushed} image(s); ${refusal}\n`
            : `pushed ${pushed} image(s) to ${report.registry} (transfer ${report.transferId})\n`,
      );
    }
    await reportModuleSource(args, io, outputs);
    await writeDeckhouseReleases(args, io, bundleDirs);
    return report.ok ? ExitCodes.ok : ExitCodes.verification;
  },
};
