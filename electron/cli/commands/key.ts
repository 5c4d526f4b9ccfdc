// `ferry key`: the station's Ed25519 key that signs bundles and receipts. `show` prints the public key
// and its fingerprint (created on first use); `export` writes the public key for `--trusted-key`;
// `rotate` replaces it with a new one, the change signed by the old key in the ledger.

import { UsageError } from '../../engine/api/errors.ts';
import { writeFileAtomic } from '../../engine/api/files.ts';
import { keyChain, rotateStationKey } from '../../engine/api/ledger.ts';
import type { Command } from '../command.ts';
import { stationFor } from '../station.ts';

export const keyCommand: Command = {
  name: 'key',
  usage: 'ferry key show [--json] | ferry key export [-o FILE] | ferry key rotate [--json]',
  options: {
    json: { type: 'boolean', help: 'print the key as JSON' },
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'export: write the public key (PEM) to FILE' },
  },
  async run(args, io) {
    const [action = 'show', ...extra] = args.positionals;
    if (extra.length || (action !== 'show' && action !== 'export' && action !== 'rotate'))
      throw new UsageError('usage: ferry key show | ferry key export [-o FILE] | ferry key rotate');
    const station = stationFor(args, io);
    if (action === 'rotate') {
      const rotation = rotateStationKey(station.ledger);
      if (args.values.json) io.stdout.write(`${JSON.stringify(rotation, null, 2)}\n`);
      else
        io.stdout.write(
          [
            `rotated the station key: ${rotation.from} → ${rotation.to}`,
            `  recorded as ledger entry #${rotation.seq}, signed by the old key; bundles and receipts signed before stay signed by it`,
            "Give the other station the new key ('ferry key export -o station.pub') for --trusted-key.",
          ].join('\n') + '\n',
        );
      return 0;
    }
    // The ledger first: it settles a rotation that was stopped before the key is read.
    const ledger = station.ledger;
    const key = station.key;
    if (action === 'export') {
      const out = args.values.output as string | undefined;
      if (out) {
        await writeFileAtomic(out, key.publicKeyPem());
        io.stderr.write(`wrote the public key ${key.fingerprint} to ${out}\n`);
      } else io.stdout.write(key.publicKeyPem());
      return 0;
    }
    // The key the ledger names (pinned by its first entry, then each rotation); none before the first job.
    const chain = keyChain(ledger);
    const pinned = chain.current?.fingerprint ?? null;
    if (args.values.json) {
      io.stdout.write(
        `${JSON.stringify({ algorithm: 'ed25519', publicKey: key.publicKey, fingerprint: key.fingerprint, publicKeyFile: key.publicKeyPath, created: key.created, pinnedByLedger: pinned, rotations: chain.rotations }, null, 2)}\n`,
      );
      return 0;
    }
    io.stdout.write(
      [
        `fingerprint  ${key.fingerprint}`,
        `public key   ${key.publicKey} (ed25519)`,
        `key file     ${key.publicKeyPath}${key.created ? ' (created now)' : ''}`,
        ...chain.rotations.map((r) => `rotated      #${r.seq} ${r.rotatedAt}: ${r.from} → ${r.to}`),
        `ledger pins  ${pinned === null ? 'no key yet (pinned by the first recorded job)' : pinned === key.fingerprint ? `${pinned} (this key)` : `${pinned}: NOT this key, run 'ferry audit verify'`}`,
        '',
        "Give the other station this key ('ferry key export -o station.pub'); it checks bundles with --trusted-key station.pub.",
      ].join('\n') + '\n',
    );
    return 0;
  },
};
