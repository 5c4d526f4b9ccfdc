// `ferry pull`: images from registries into a bundle folder of USB-sized chunks.
import { dirname } from 'node:path';
import { UsageError } from '../../engine/api/errors.ts';
import { imageRequest, parsePlatform, parseSize, readImagesFile } from '../../engine/api/input.ts';
import { planCarriedFerry, platformLabel } from '../../engine/api/distribution.ts';
import { readTrustedRootFile } from '../../engine/api/signatures.ts';
import { ExitCodes } from '../exit-codes.ts';
import { imageKeyFlag, signaturePolicyFrom } from '../image-keys.ts';
import {
  planDeckhousePull,
  planSummary,
  previewPull,
  pull,
  sourceRegistries,
  type PullSelection,
} from '../../engine/api/pull.ts';
import { printPreview } from '../pull-preview.ts';
import { deckhousePullFlags, deckhouseSelectionFrom, noEffectNotes } from '../deckhouse-flags.ts';
import { formatBytes } from '../../../shared/format.ts';
import { exitCodeFor } from '../exit-codes.ts';
import type { Command } from '../command.ts';
import { progressRenderer } from '../progress.ts';
import { operatorFlag, stationFor } from '../station.ts';
import { concurrencyOf, transportFlags, transportOptions } from '../registry-flags.ts';

/** The folder of the distribution this Ferry runs from: its launcher starts `<folder>/lib/ferry.cjs`
 *  (a Ferry run from a checkout has no ferry-dist.json there, and carries only from --carry-ferry-from). */
function runningDistribution(): string | undefined {
  const entry = process.argv[1];
  return entry ? dirname(dirname(entry)) : undefined;
}

/** --key/--policy as verify and push take them, worded for the connected side. */
const pullPolicyFlags = {
  key: {
    ...imageKeyFlag.key!,
    help: 'carry only images with a valid cosign signature by this public key (any one of them); the rest are refused and listed',
  },
  policy: {
    ...imageKeyFlag.policy!,
    help: 'carry only images whose signatures ferry-policy.yaml accepts (keys, keyless identities against --carry-trust); the rest are refused and listed',
  },
};

export const pullCommand: Command = {
  name: 'pull',
  usage:
    'ferry pull <bundle-dir> --image <ref> [--image <ref> ...] [--images-file <file>] [flags]\n' +
    '       ferry pull <bundle-dir> --source <registry/path/edition> [d8 mirror pull flags]',
  options: {
    image: {
      type: 'string',
      multiple: true,
      arg: 'REF',
      help: 'an image to carry, e.g. registry.example.com/app:1.0',
    },
    'images-file': {
      type: 'string',
      arg: 'FILE',
      help: 'images to carry: one reference a line, or YAML with platforms and targets',
    },
    'chunk-size': {
      type: 'string',
      arg: 'SIZE',
      help: 'cut archives into chunks of at most SIZE (700MiB, 4GiB, 4G)',
    },
    'images-bundle-chunk-size': {
      type: 'string',
      short: 'c',
      arg: 'N',
      help: "d8's form of the chunk size: N × 1000^3 bytes",
    },
    platform: {
      type: 'string',
      multiple: true,
      arg: 'OS/ARCH[/VARIANT]',
      help: 'keep only these platforms (default: all, whole indexes)',
    },
    'no-signatures': { type: 'boolean', help: 'leave signatures, attestations, SBOMs and referrers behind' },
    'source-login': {
      type: 'string',
      arg: 'USER',
      help: 'source registry login (env D8_MIRROR_SOURCE_LOGIN)',
    },
    'source-password': {
      type: 'string',
      arg: 'PASS',
      help: 'source registry password (env D8_MIRROR_SOURCE_PASSWORD)',
    },
    license: {
      type: 'string',
      short: 'l',
      arg: 'TOKEN',
      help: 'license token = login license-token (env D8_MIRROR_LICENSE_TOKEN)',
    },
    ...deckhousePullFlags,
    ...transportFlags,
    'no-pull-resume': { type: 'boolean', help: 'start over instead of resuming an interrupted pull' },
    force: { type: 'boolean', help: 'write into a non-empty folder, replacing an earlier bundle' },
    'tmp-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'keep resume state here instead of inside the bundle folder',
    },
    incremental: {
      type: 'boolean',
      help: "leave out blobs that imported receipts show the target already holds ('ferry receipt import')",
    },
    'incremental-target': {
      type: 'string',
      arg: 'REGISTRY[/PATH]',
      help: 'with --incremental: use only receipts of pushes to this registry',
    },
    'carry-ferry': {
      type: 'string',
      multiple: true,
      valueList: /^[A-Za-z]+[/-][A-Za-z0-9_]+(,[A-Za-z]+[/-][A-Za-z0-9_]+)*$/,
      arg: '[OS/ARCH ...]',
      help: 'carry Ferry itself in the bundle for these platforms (default: this one): ./ferry verify . from the stick',
    },
    'carry-ferry-from': {
      type: 'string',
      arg: 'DIR',
      help: "with --carry-ferry: distributions for other platforms (the release/cli folder 'npm run dist' writes)",
    },
    ...pullPolicyFlags,
    'carry-trust': {
      type: 'string',
      arg: 'FILE',
      help: "carry this Sigstore trusted root (trusted_root.json) in the bundle, under the station's signature: verify and push check keyless signatures against it, offline",
    },
    ...operatorFlag,
    'dry-run': {
      type: 'boolean',
      help: 'write nothing; show what would travel: each image with its digest and size (manifests only), or for a Deckhouse source the plan (versions per channel, modules and packages with versions, what is skipped and why) and its size',
    },
    json: { type: 'boolean', help: 'print progress and the result as JSON lines' },
  },
  async run(args, io) {
    const v = args.values;
    const [bundleDir, ...extra] = args.positionals;
    if (!bundleDir) throw new UsageError('missing <bundle-dir>: ferry pull <bundle-dir> --image <ref>');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': images go after --image`);
    // Given but empty is a mistake ('--chunk-size ""' from an unset variable), not "no chunks".
    const given = (name: string) => v[name] !== undefined;
    if (given('chunk-size') && given('images-bundle-chunk-size'))
      throw new UsageError('give --chunk-size or -c, not both');
    const chunkSize = given('chunk-size')
      ? parseSize(v['chunk-size'] as string, '--chunk-size')
      : given('images-bundle-chunk-size')
        ? parseSize(`${v['images-bundle-chunk-size'] as string}G`, '-c')
        : undefined;
    const platforms = ((v.platform as string[] | undefined) ?? []).map(parsePlatform);
    const images = ((v.image as string[] | undefined) ?? []).map((r) => imageRequest(r, platforms));
    if (v['images-file']) images.push(...(await readImagesFile(v['images-file'] as string, platforms)));

    const license = (v.license as string | undefined) ?? io.env.D8_MIRROR_LICENSE_TOKEN;
    const username =
      (v['source-login'] as string | undefined) ??
      io.env.D8_MIRROR_SOURCE_LOGIN ??
      (license ? 'license-token' : undefined);
    const password =
      (v['source-password'] as string | undefined) ?? io.env.D8_MIRROR_SOURCE_PASSWORD ?? license;
    const selection = deckhouseSelectionFrom(args, images.length > 0, io.env);
    for (const note of noEffectNotes(args)) io.stderr.write(`${note}\n`);
    if (!selection && images.length === 0) {
      throw new UsageError(
        'nothing to pull: pass --image <ref> or --images-file <file>, or --source <registry/path/edition> for a Deckhouse distribution',
      );
    }
    const what: PullSelection = selection ? { deckhouse: selection } : { images };
    const transport = transportOptions(
      args,
      io.env,
      { username, password },
      sourceRegistries(what),
      'check --source-login/--source-password, --license or docker login',
    );
    const carryWanted = v['carry-ferry'] as string[] | undefined;
    if (v['carry-ferry-from'] && !carryWanted)
      throw new UsageError('--carry-ferry-from needs --carry-ferry [OS/ARCH ...]');
    // Checked before anything is downloaded: a platform that cannot be carried is a usage error now.
    const self = runningDistribution();
    const carryFerry = carryWanted
      ? await planCarriedFerry({
          platforms: carryWanted.filter((p) => p !== ''),
          ...(self ? { self } : {}),
          ...(v['carry-ferry-from'] ? { from: v['carry-ferry-from'] as string } : {}),
        })
      : undefined;

    const trustedRoot = v['carry-trust'] ? await readTrustedRootFile(v['carry-trust'] as string) : undefined;
    const signaturePolicy = await signaturePolicyFrom(args);

    if (v['dry-run'] && signaturePolicy)
      io.stderr.write('note: --key/--policy are checked on a real pull; a dry run refuses nothing\n');
    if (v['dry-run'] && selection) {
      // d8's --dry-run: the plan, read from the source's release and module images; no image resolved.
      const plan = await planDeckhousePull({
        selection,
        transport,
        concurrency: concurrencyOf(args),
        signal: io.signal,
      });
      for (const line of planSummary(plan)) io.stdout.write(`${line}\n`);
      // The size, as d8's dry-run summary gives it: every planned manifest resolved, no layer read.
      const sized = await previewPull(
        { images: plan.requests },
        {
          transport,
          signatures: v['no-signatures'] !== true,
          concurrency: concurrencyOf(args),
          signal: io.signal,
        },
      );
      io.stdout.write(
        `size: ${sized.images.length} image(s), ${sized.blobCount} blob(s), ${formatBytes(sized.totalBytes)} would travel${sized.failed.length ? `; ${sized.failed.length} reference(s) do not resolve` : ''}\n`,
      );
      for (const f of sized.failed) io.stdout.write(`  ✗ ${f.source}: ${f.error.message}\n`);
      io.stdout.write(`dry run: nothing was written to ${bundleDir}\n`);
      return sized.failed.length ? exitCodeFor(sized.failed[0]!.error.code) : 0;
    }
    if (v['dry-run']) {
      const preview = await previewPull(what, {
        transport,
        signatures: v['no-signatures'] !== true,
        concurrency: concurrencyOf(args),
        signal: io.signal,
      });
      return printPreview(io, preview, { json: v.json === true, bundleDir });
    }

    const progress = progressRenderer(io, v.json === true);
    if (v['incremental-target'] && !v.incremental)
      throw new UsageError('--incremental-target needs --incremental');
    const station = stationFor(args, io);
    const common = {
      bundleDir,
      station,
      incremental: v.incremental === true,
      ...(v['incremental-target'] ? { incrementalTarget: v['incremental-target'] as string } : {}),
      ...(chunkSize !== undefined ? { chunkSize } : {}),
      signatures: v['no-signatures'] !== true,
      transport,
      concurrency: concurrencyOf(args),
      resume: v['no-pull-resume'] !== true,
      force: v.force === true,
      ...(v['tmp-dir'] ? { tmpDir: v['tmp-dir'] as string } : {}),
      ...(v['gost-digest'] ? { gostDigest: true } : {}),
      ...(carryFerry ? { carryFerry } : {}),
      ...(trustedRoot ? { trustedRoot } : {}),
      ...(signaturePolicy ? { signaturePolicy } : {}),
      signal: io.signal,
      onEvent: progress,
    };
    const manifest = await pull({ ...common, ...what });
    progress.done();
    const refused = (manifest.skipped ?? []).filter((s) => s.refused === 'signature');
    const omitted = manifest.omitted ?? [];
    const saved = omitted.reduce((n, o) => n + o.size, 0);
    if (v.json) {
      io.stdout.write(
        `${JSON.stringify({ type: 'result', transferId: manifest.transferId, totals: manifest.totals, ...(v.incremental ? { omitted: { blobs: omitted.length, bytes: saved } } : {}), ...(refused.length ? { refused } : {}), signedBy: station.key.fingerprint })}\n`,
      );
    } else {
      const t = manifest.totals;
      io.stdout.write(
        `pulled ${t.images} image(s), ${t.blobs} blob(s), ${formatBytes(t.blobBytes)} into ${bundleDir} as ${t.files} file(s) (transfer ${manifest.transferId}), signed by ${station.key.fingerprint}\n`,
      );
      if (v.incremental)
        io.stdout.write(
          `incremental: left out ${omitted.length} blob(s) the target already holds, saved ${formatBytes(saved)}\n`,
        );
      if (manifest.trustedRoot)
        io.stdout.write(
          `carried the Sigstore trusted root ${v['carry-trust'] as string} (sha256 ${manifest.trustedRoot.sha256}) for keyless signatures\n`,
        );
      const carried = manifest.carriedFerry;
      if (carried)
        io.stdout.write(
          `carried Ferry ${carried.platforms[0]!.version} for ${carried.platforms.map((p) => platformLabel(p.platform)).join(', ')}: on the isolated side, run ./ferry verify . in the bundle folder\n`,
        );
      for (const r of refused) io.stdout.write(`✗ ${r.item}: ${r.reason}\n`);
      if (refused.length)
        io.stdout.write(
          `REFUSED ${refused.length} image(s) without a valid signature by the required key(s) or identities: not carried\n`,
        );
    }
    // As push: some images refused for their signatures is a verification failure.
    return refused.length ? ExitCodes.verification : 0;
  },
};
