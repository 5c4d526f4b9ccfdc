// `ferry receipt`: on the isolated side, a signed receipt of what a push delivered; on the connected
// side, `ferry receipt import` records it so `ferry pull --incremental` can leave those blobs out.
import { UsageError } from '../../engine/api/errors.ts';
import { importReceipt, issueReceipt, writeReceipt } from '../../engine/api/push.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Command } from '../command.ts';
import { operatorFlag, stationFor, trustedKeyFlag, trustedKeyFrom } from '../station.ts';

export const receiptCommand: Command = {
  name: 'receipt',
  usage: 'ferry receipt <transfer-id> -o FILE | ferry receipt import FILE [--trusted-key FILE]',
  options: {
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'where to write the receipt' },
    ...trustedKeyFlag,
    ...operatorFlag,
  },
  async run(args, io) {
    const [first, second, ...extra] = args.positionals;
    const station = stationFor(args, io);
    if (first === 'import') {
      if (!second || extra.length)
        throw new UsageError('usage: ferry receipt import FILE [--trusted-key FILE]');
      const imported = await importReceipt(station, second, await trustedKeyFrom(args));
      const r = imported.receipt;
      io.stdout.write(
        imported.recorded
          ? `imported receipt ${r.receiptId} for transfer ${r.transferId}, signed by ${imported.fingerprint} (${r.station.operator}@${r.station.host}): ${imported.blobs} blob(s), ${formatBytes(imported.bytes)} are in ${[...new Set(r.pushes.map((p) => p.registry))].join(', ')}\n`
          : `receipt ${r.receiptId} was imported before; nothing recorded twice\n`,
      );
      return 0;
    }
    if (!first || second !== undefined) throw new UsageError('usage: ferry receipt <transfer-id> -o FILE');
    const out = args.values.output as string | undefined;
    if (!out) throw new UsageError('say where to write the receipt: ferry receipt <transfer-id> -o FILE');
    const signed = issueReceipt(station, first);
    await writeReceipt(out, signed);
    const pushed = signed.receipt.pushes.flatMap((p) => p.images).filter((i) => i.status === 'pushed').length;
    io.stdout.write(
      `wrote receipt ${signed.receipt.receiptId} for transfer ${signed.receipt.transferId} to ${out}: ${pushed} image(s) pushed, signed by ${signed.signature.fingerprint}\n`,
    );
    return 0;
  },
};
