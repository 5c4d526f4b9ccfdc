// The facade's errors: every failure has a fixed code; the adapters map codes to exit codes and advice.
export {
  AuthError,
  BundleInvalidError,
  BundleNotEmptyError,
  CancelledError,
  FerryError,
  ForbiddenError,
  IoError,
  toFerryError,
  UsageError,
} from '../errors.ts';
export { registerSecret } from '../redact.ts';
export { ferryVersion } from '../version.ts';
