// Every error the app shows says what went wrong and what to do next. The main process's message says
// what is wrong (and often what to do); the code adds a title and a next step in the app's words.
import type { ErrorCode } from '../shared/errors.ts';

interface Advice {
  title: string;
  next: string;
}

const advice: Record<ErrorCode, Advice> = {
  FERRY_ERR_USAGE: { title: 'Cannot do that yet', next: 'Follow the advice in the message, then try again.' },
  FERRY_ERR_REFERENCE_INVALID: {
    title: 'Not an image reference',
    next: 'Write references as registry/repository:tag or repository@sha256:…, one per line.',
  },
  FERRY_ERR_UNREACHABLE: {
    title: 'Cannot reach the registry',
    next: 'Check the address and port, the network cable or proxy, then press Test connection again.',
  },
  FERRY_ERR_AUTH: {
    title: 'Login refused',
    next: 'Check the user name and password (or token), then press Test connection again.',
  },
  FERRY_ERR_FORBIDDEN: {
    title: 'Not allowed',
    next: "This login may not read or write that repository: ask the registry's administrator for access.",
  },
  FERRY_ERR_NOT_FOUND: {
    title: 'Not found',
    next: 'Check the image name and tag: they must exist in the registry.',
  },
  FERRY_ERR_TLS: {
    title: 'Certificate problem',
    next: "Choose the registry's CA file, or tick Plain HTTP if the registry serves no TLS.",
  },
  FERRY_ERR_REGISTRY: {
    title: 'The registry answered with an error',
    next: "Try again in a moment; if it persists, ask the registry's administrator.",
  },
  FERRY_ERR_DIGEST_MISMATCH: {
    title: 'Content does not match its digest',
    next: 'Copy the named files from the connected side again, then verify again.',
  },
  FERRY_ERR_SHORT_READ: {
    title: 'The data ended early',
    next: 'The connection or the media cut a blob short: try again, or copy the named files from the connected side again.',
  },
  FERRY_ERR_BUNDLE_INVALID: {
    title: 'Not a Ferry bundle',
    next: 'Choose the folder a Ferry pull wrote (it holds ferry-manifest.json), or the stick that carries it.',
  },
  FERRY_ERR_BUNDLE_NOT_EMPTY: {
    title: 'The folder is not empty',
    next: 'Choose an empty folder, or tick "Replace an earlier bundle in this folder" on the Review step.',
  },
  FERRY_ERR_SIGNATURE: {
    title: 'Signature refused',
    next: 'Get a bundle signed by the trusted station, or clear the trusted key if you accept any signer.',
  },
  FERRY_ERR_DISK_FULL: {
    title: 'Disk full',
    next: 'Free some space (or choose a larger drive) and press Resume: finished work is kept.',
  },
  FERRY_ERR_IO: {
    title: 'Cannot read or write a file',
    next: 'Check that the folder exists, that you may write to it, and that the stick is still plugged in.',
  },
  FERRY_ERR_LEDGER: {
    title: 'The ledger needs attention',
    next: 'Follow the message above; the transfer files themselves are not affected.',
  },
  FERRY_ERR_CANCELLED: { title: 'Stopped', next: 'Press Resume or start again when you are ready.' },
  FERRY_ERR_INTERNAL: {
    title: 'Something unexpected went wrong',
    next: 'Try again; if it happens again, note the message and tell your administrator.',
  },
};

export function adviceFor(code: string): Advice {
  return advice[code as ErrorCode] ?? advice.FERRY_ERR_INTERNAL;
}
