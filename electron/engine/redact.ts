// Secrets must never reach output, logs, the ledger or a bundle. Every secret the process learns
// (passwords, tokens, auth headers) is registered here, and every error message passes through redact().

const secrets = new Set<string>();

/** Remember a secret so that any later message containing it is masked. Short strings are ignored
 *  (masking "a" would mangle every message). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) {
    secrets.add(value);
    // Basic auth and config.json carry the same secret base64-encoded.
    secrets.add(Buffer.from(value).toString('base64'));
  }
}

const patterns: Array<[RegExp, string]> = [
  [/(authorization:\s*(?:basic|bearer)\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***'],
  [/((?:access_|refresh_)?token["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***'],
  [/(password["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi, '$1***'],
  [/(\/\/[^:/@\s]+:)[^@/\s]+@/g, '$1***@'],
];

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
