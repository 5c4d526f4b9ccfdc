// Exit codes are part of the CLI contract (documented in README and `ferry --help`).
import { ErrorCodes, type ErrorCode } from '../../shared/errors.ts';

export const ExitCodes = {
  ok: 0,
  internal: 1,
  usage: 2,
  verification: 3,
  registry: 4,
  io: 5,
  cancelled: 130,
} as const;

const byCode: Record<ErrorCode, number> = {
  [ErrorCodes.USAGE]: ExitCodes.usage,
  [ErrorCodes.REFERENCE_INVALID]: ExitCodes.usage,
  [ErrorCodes.BUNDLE_NOT_EMPTY]: ExitCodes.usage,
  [ErrorCodes.DIGEST_MISMATCH]: ExitCodes.verification,
  [ErrorCodes.SHORT_READ]: ExitCodes.verification,
  [ErrorCodes.BUNDLE_INVALID]: ExitCodes.verification,
  [ErrorCodes.SIGNATURE]: ExitCodes.verification,
  [ErrorCodes.UNREACHABLE]: ExitCodes.registry,
  [ErrorCodes.AUTH]: ExitCodes.registry,
  [ErrorCodes.FORBIDDEN]: ExitCodes.registry,
  [ErrorCodes.NOT_FOUND]: ExitCodes.registry,
  [ErrorCodes.TLS]: ExitCodes.registry,
  [ErrorCodes.REGISTRY]: ExitCodes.registry,
  [ErrorCodes.DISK_FULL]: ExitCodes.io,
  [ErrorCodes.IO]: ExitCodes.io,
  [ErrorCodes.LEDGER]: ExitCodes.io,
  [ErrorCodes.CANCELLED]: ExitCodes.cancelled,
  [ErrorCodes.INTERNAL]: ExitCodes.internal,
};

export function exitCodeFor(code: ErrorCode): number {
  return byCode[code];
}

export const exitCodeHelp = `Exit codes:
  0    success
  1    internal error (a bug: please report it)
  2    usage error (bad flag, bad reference, bad size, non-empty bundle folder)
  3    verification failure (digest or size mismatch, damaged or missing chunk, bad signature)
  4    registry failure (unreachable, TLS, 401/403 credentials refused, 404 not found)
  5    I/O failure (disk full, unreadable or unwritable file)
  130  cancelled (Ctrl-C)`;
