// One base class with a fixed string code per failure; subclasses only fix the code.
// Messages are redacted at construction so no secret can leak through any later path.
import { ErrorCodes, type ErrorCode, type ErrorDTO } from '../../shared/errors.ts';
import { redact } from './redact.ts';

export interface FerryErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  toDTO(): ErrorDTO {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export class UsageError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.USAGE, message, options);
  }
}
export class InvalidReferenceError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.REFERENCE_INVALID, message, options);
  }
}
export class UnreachableError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.UNREACHABLE, message, options);
  }
}
export class AuthError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.AUTH, message, options);
  }
}
export class ForbiddenError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.FORBIDDEN, message, options);
  }
}
export class NotFoundError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.NOT_FOUND, message, options);
  }
}
export class TlsError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.TLS, message, options);
  }
}
export class RegistryError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.REGISTRY, message, options);
  }
}
export class DigestMismatchError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.DIGEST_MISMATCH, message, options);
  }
}
/** Fewer bytes arrived than the descriptor says (the stream ended early). */
export class ShortReadError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.SHORT_READ, message, options);
  }
}

export class BundleInvalidError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.BUNDLE_INVALID, message, options);
  }
}
export class BundleNotEmptyError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.BUNDLE_NOT_EMPTY, message, options);
  }
}
export class SignatureError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.SIGNATURE, message, options);
  }
}
export class DiskFullError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.DISK_FULL, message, options);
  }
}
export class IoError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.IO, message, options);
  }
}
export class LedgerError extends FerryError {
  constructor(message: string, options?: FerryErrorOptions) {
    super(ErrorCodes.LEDGER, message, options);
  }
}
export class CancelledError extends FerryError {
  constructor(message = 'cancelled', options?: FerryErrorOptions) {
    super(ErrorCodes.CANCELLED, message, options);
  }
}

/** Wraps anything thrown into a FerryError, so adapters only ever see codes. */
export function toFerryError(err: unknown): FerryError {
  if (err instanceof FerryError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ENOSPC') {
    return new DiskFullError(
      `disk full${e.path ? ` writing ${e.path}` : ''}: free some space and run the same command again (finished work is kept)`,
      { cause: err },
    );
  }
  if (e?.code && /^E[A-Z]+$/.test(e.code) && e.syscall) return new IoError(e.message, { cause: err });
  return new FerryError(ErrorCodes.INTERNAL, err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}
