// The commands `ferry --help` lists, in the order a transfer goes. Each command's module (and the engine
// behind it) is loaded only when that command runs, so `ferry --help` and short commands start fast.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'pull',
    summary: 'copy images from registries into a bundle folder cut into USB-sized chunks',
    load: async () => (await import('./pull.ts')).pullCommand,
  },
  {
    name: 'media',
    summary:
      'plan how many sticks a transfer takes (and the chunk size that fits), or copy a bundle onto them',
    load: async () => (await import('./media.ts')).mediaCommand,
  },
  {
    name: 'inspect',
    summary: 'show what a bundle holds: images, digests, targets, archives and chunks',
    load: async () => (await import('./inspect.ts')).inspectCommand,
  },
  {
    name: 'verify',
    summary:
      "check every chunk, blob and manifest of a bundle (and with --key/--policy each image's signature); name what is missing, damaged or unsigned",
    load: async () => (await import('./verify.ts')).verifyCommand,
  },
  {
    name: 'push',
    summary: 'push a bundle into a private registry with every digest unchanged',
    load: async () => (await import('./push.ts')).pushCommand,
  },
  {
    name: 'secret',
    summary: 'print a Kubernetes pull Secret (dockerconfigjson) for a registry',
    load: async () => (await import('./secret.ts')).secretCommand,
  },
  {
    name: 'receipt',
    summary: 'write a signed receipt of a push (isolated side), or import one (connected side)',
    load: async () => (await import('./receipt.ts')).receiptCommand,
  },
  {
    name: 'history',
    summary: 'list the pulls, verifies and pushes recorded on this station (newest first)',
    load: async () => (await import('./history.ts')).historyCommand,
  },
  {
    name: 'report',
    summary:
      'write the report of one transfer: images, digests, chunks, media, verification, signature, chain',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  {
    name: 'audit',
    summary: "check that this station's ledger was not edited (hash chain, signed head)",
    load: async () => (await import('./audit.ts')).auditCommand,
  },
  {
    name: 'key',
    summary: "show, export or rotate this station's signing key (Ed25519) and its fingerprint",
    load: async () => (await import('./key.ts')).keyCommand,
  },
];
