// Error codes that cross every boundary (engine → CLI exit codes, engine → IPC → renderer).
// Fixed strings in the style of undici's UND_ERR_*: callers branch on the code, never on the message.

export const ErrorCodes = {
  USAGE: 'FERRY_ERR_USAGE',
  REFERENCE_INVALID: 'FERRY_ERR_REFERENCE_INVALID',
  UNREACHABLE: 'FERRY_ERR_UNREACHABLE',
  AUTH: 'FERRY_ERR_AUTH',
  FORBIDDEN: 'FERRY_ERR_FORBIDDEN',
  NOT_FOUND: 'FERRY_ERR_NOT_FOUND',
  TLS: 'FERRY_ERR_TLS',
  REGISTRY: 'FERRY_ERR_REGISTRY',
  DIGEST_MISMATCH: 'FERRY_ERR_DIGEST_MISMATCH',
  SHORT_READ: 'FERRY_ERR_SHORT_READ',
  BUNDLE_INVALID: 'FERRY_ERR_BUNDLE_INVALID',
  BUNDLE_NOT_EMPTY: 'FERRY_ERR_BUNDLE_NOT_EMPTY',
  SIGNATURE: 'FERRY_ERR_SIGNATURE',
  DISK_FULL: 'FERRY_ERR_DISK_FULL',
  IO: 'FERRY_ERR_IO',
  LEDGER: 'FERRY_ERR_LEDGER',
  CANCELLED: 'FERRY_ERR_CANCELLED',
  INTERNAL: 'FERRY_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** What crosses IPC for a failure: never a stack, never a secret. */
export interface ErrorDTO {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Result envelope used across the IPC boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorDTO };
