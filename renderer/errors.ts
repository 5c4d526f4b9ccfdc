// The app's words for the engine's fixed error codes. The engine's message is written for the command
// line (flags, request lines, "blob"); the app shows one sentence in the user's terms instead, saying
// what went wrong and what to do, plus the control that does it (a "fix"). The engine's message stays
// available behind "Technical details" for whoever the user asks for help. Decisions are taken on the
// code and the structured details only, never on the message text.
import type { ErrorCode, ErrorDTO } from '../shared/errors.ts';

/** Which registry a connection belongs to: the Source step (Prepare) or the Target step (Import). */
export type Side = 'source' | 'target';

/** A control that fixes the problem; the screen showing the error decides which ones it can offer. */
export type FixAction = 'use-plain-http' | 'use-https' | 'choose-ca' | 'accept-certificate' | 'retry';

export const fixLabels: Record<FixAction, string> = {
  'use-plain-http': 'Use plain HTTP',
  'use-https': 'Use HTTPS',
  'choose-ca': 'Choose CA file…',
  'accept-certificate': 'Accept this certificate',
  retry: 'Try again',
};

export interface Explanation {
  title: string;
  /** One sentence: what happened and what to do. */
  sentence: string;
  /** The controls that fix it, most likely first. */
  fixes: FixAction[];
}

export interface ErrorSetting {
  /** The registry the failing request went to, when the screen knows it. */
  side?: Side;
}

interface Facts {
  host: string;
  registry: string;
  repository: string;
  side: Side | undefined;
  /** ' on the Target step', or '' where the screen has no connection form. */
  onStep: string;
  status: number | undefined;
  tlsCode: string;
  message: string;
  inAppWords: boolean;
  input: string;
}

type Explain = (f: Facts) => Explanation;

const one = (title: string, sentence: string, fixes: FixAction[] = []): Explanation => ({
  title,
  sentence: sentence[0]!.toUpperCase() + sentence.slice(1),
  fixes,
});

// TLS failures split three ways, on the structured code the transport attaches: the peer speaks plain
// HTTP (the handshake itself fails), the peer speaks HTTPS to a plain-HTTP request (HTTP 400), or the
// certificate is not trusted (every other TLS code).
function explainTls(f: Facts): Explanation {
  if (f.status === 400) {
    return one(
      'This registry uses HTTPS',
      `${f.registry} answers only over HTTPS: untick Plain HTTP under Connection security, then test the connection again.`,
      ['use-https'],
    );
  }
  if (f.tlsCode === 'EPROTO' || f.tlsCode.startsWith('ERR_SSL_')) {
    return one(
      'This registry speaks plain HTTP',
      `${f.registry} does not answer over HTTPS: if it serves plain HTTP, tick Plain HTTP under Connection security.`,
      ['use-plain-http'],
    );
  }
  const selfSigned = f.tlsCode === 'DEPTH_ZERO_SELF_SIGNED_CERT' || f.tlsCode === 'SELF_SIGNED_CERT_IN_CHAIN';
  const why = selfSigned
    ? 'presents a self-signed certificate'
    : f.tlsCode === 'CERT_HAS_EXPIRED'
      ? 'presents an expired certificate'
      : f.tlsCode === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'presents a certificate issued for another name'
        : 'presents a certificate this computer does not trust';
  return one(
    'Certificate not trusted',
    `${f.registry} ${why}: choose the CA file your organisation issued it with, or accept this certificate if you trust the registry.`,
    ['choose-ca', 'accept-certificate'],
  );
}

const explainers: Record<ErrorCode, Explain> = {
  // The main process marks the usage messages it writes for the app (a relative path, PDF without
  // Electron); the engine's own are written for the command line and stay behind the details.
  FERRY_ERR_USAGE: (f) =>
    one(
      'Cannot do that yet',
      f.inAppWords
        ? sentenceOf(f.message)
        : 'Ferry cannot use these settings: check the fields on this step, then try again.',
    ),
  FERRY_ERR_REFERENCE_INVALID: (f) =>
    one(
      'Not an image name',
      `${f.input ? `'${f.input}' is not an image name` : 'An image name is not valid'}: write names as repository:tag or repository@sha256:…, one per line.`,
    ),
  FERRY_ERR_UNREACHABLE: (f) =>
    one(
      'Cannot reach the registry',
      `${f.registry} does not answer: check the address and port${f.onStep} and the network, then try again.`,
      ['retry'],
    ),
  FERRY_ERR_AUTH: (f) =>
    one(
      'Login refused',
      `${f.registry} refused the login: check the user name and password${f.onStep}, then test the connection again.`,
    ),
  FERRY_ERR_FORBIDDEN: (f) =>
    one(
      'Not allowed',
      `This login may not ${f.side === 'target' ? 'write to' : 'read'} ${f.repository || 'that repository'} on ${f.registry}: ask the registry's administrator for access.`,
    ),
  FERRY_ERR_NOT_FOUND: (f) =>
    one(
      'Not found',
      f.repository
        ? `${f.registry} has no image ${f.repository}: check the name and tag, then try again.`
        : `${f.registry} does not hold what was asked for: check the image names and tags, then try again.`,
    ),
  FERRY_ERR_TLS: explainTls,
  FERRY_ERR_REGISTRY: (f) =>
    one(
      'The registry answered with an error',
      `${f.registry} could not answer just now: try again in a moment, and if it keeps failing, ask its administrator.`,
      ['retry'],
    ),
  FERRY_ERR_DIGEST_MISMATCH: () =>
    one(
      'A file is damaged',
      'Some data does not match what the connected side wrote: copy the named files from the connected side again, then check again.',
    ),
  FERRY_ERR_SHORT_READ: () =>
    one(
      'The data ended early',
      'The connection or the stick stopped mid-file: check the cable or the stick, then try again.',
      ['retry'],
    ),
  FERRY_ERR_BUNDLE_INVALID: () =>
    one(
      'Not a transfer Ferry can open',
      'This folder holds no complete transfer: choose the folder or the stick that Prepare wrote on the connected side.',
    ),
  // The main process's own refusal (the folder a running job writes) names that job.
  FERRY_ERR_BUNDLE_NOT_EMPTY: (f) =>
    one(
      'The folder is not empty',
      f.inAppWords
        ? sentenceOf(f.message)
        : 'The chosen folder already holds other files: choose an empty folder, or allow replacing the earlier transfer on the Review step.',
    ),
  FERRY_ERR_SIGNATURE: () =>
    one(
      'Signature refused',
      'This transfer is not signed by the trusted station: get a transfer from that station, or clear the trusted key if you accept any sender.',
    ),
  FERRY_ERR_DISK_FULL: () =>
    one('Disk full', 'The drive has no room left: free some space, then resume: finished work is kept.', [
      'retry',
    ]),
  FERRY_ERR_IO: () =>
    one(
      'Cannot read or write a file',
      'A file could not be read or written: check that the folder exists, that you may write to it and that the stick is still plugged in.',
      ['retry'],
    ),
  FERRY_ERR_LEDGER: () =>
    one(
      'The history needs attention',
      'The transfer history could not be updated: the transfer files are not affected; show the details to your administrator.',
    ),
  FERRY_ERR_CANCELLED: () =>
    one('Stopped', 'The work was stopped: start it again when you are ready; finished work is kept.', [
      'retry',
    ]),
  FERRY_ERR_INTERNAL: () =>
    one(
      'Something unexpected went wrong',
      'Ferry hit a problem it did not expect: try again, and if it happens again, show the details to your administrator.',
      ['retry'],
    ),
};

/** Every code the app explains (the unit test checks they match the engine's list). */
export const explainedCodes = Object.keys(explainers) as ErrorCode[];

function sentenceOf(message: string): string {
  const text = message.trim();
  if (!text) return 'That input cannot be used: check the fields on this step.';
  const first = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

function stringAt(details: Record<string, unknown> | undefined, key: string): string {
  const value = details?.[key];
  return typeof value === 'string' ? value : '';
}

export function explainError(error: ErrorDTO, setting: ErrorSetting = {}): Explanation {
  const host = stringAt(error.details, 'host');
  const status = error.details?.status;
  const facts: Facts = {
    host,
    registry: host ? `the registry ${host}` : setting.side ? `the ${setting.side} registry` : 'the registry',
    repository: stringAt(error.details, 'repository'),
    side: setting.side,
    onStep: setting.side ? ` on the ${setting.side === 'target' ? 'Target' : 'Source'} step` : '',
    status: typeof status === 'number' ? status : undefined,
    tlsCode: stringAt(error.details, 'code'),
    message: error.message,
    inAppWords: error.details?.inAppWords === true,
    input: stringAt(error.details, 'input'),
  };
  const explain = explainers[error.code] ?? explainers.FERRY_ERR_INTERNAL;
  return explain(facts);
}
