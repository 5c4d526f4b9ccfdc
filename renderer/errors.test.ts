// The app's sentence for every engine error code: each code has one, none speaks CLI (flags,
// environment variables), HTTP (request lines) or engine (blob, archive), each is one sentence, and
// the details decide the right side and the right TLS advice.
import { describe, expect, it } from 'vitest';
import { type ErrorCode, ErrorCodes, type ErrorDTO } from '../shared/errors.ts';
import { explainError, explainedCodes, type Side } from './errors.ts';

const codes = Object.values(ErrorCodes);
// Engine messages as the CLI writes them: the app must not pass these words through.
const cliMessage =
  'HEAD /v2/mirror/app/blobs/sha256:27d7 failed: pass --tls-skip-verify or SSL_CERT_FILE=<ca.pem>, the archive blob is short';
const detailVariants: Array<Record<string, unknown> | undefined> = [
  undefined,
  { host: '127.0.0.1:5000' },
  { host: 'registry.example:443', repository: 'mirror/app', status: 404 },
  { host: 'r.example', code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
  { host: 'r.example', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
  { host: 'r.example', status: 400 },
  { input: 'Vendor/App' },
];
const sides: Array<Side | undefined> = [undefined, 'source', 'target'];
const forbidden: Array<[string, RegExp]> = [
  ['a CLI flag', /(^|\s)--?[a-z]/i],
  ['an environment variable', /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/],
  ['an HTTP request line', /\b(GET|HEAD|PUT|POST|PATCH|DELETE)\s+\//],
  ['an API path', /\/v2\//],
  ['an engine word', /\b(blobs?|archives?|manifests?|chunks?|tar)\b/i],
  ['an error code', /FERRY_ERR_/],
];

function all(): Array<{ code: ErrorCode; side: Side | undefined; error: ErrorDTO }> {
  return codes.flatMap((code) =>
    sides.flatMap((side) =>
      detailVariants.map((details) => ({
        code,
        side,
        error: { code, message: cliMessage, ...(details ? { details } : {}) },
      })),
    ),
  );
}

describe("the app's error sentences", () => {
  it('explain every engine error code, and only those', () => {
    expect([...explainedCodes].sort()).toEqual([...codes].sort());
  });

  it('never show a CLI flag, a request line or an engine word, and are one sentence', () => {
    for (const { code, side, error } of all()) {
      const { title, sentence } = explainError(error, side ? { side } : {});
      for (const text of [title, sentence]) {
        for (const [what, pattern] of forbidden) {
          expect(pattern.test(text), `${code} (${side ?? 'no side'}) shows ${what}: ${text}`).toBe(false);
        }
      }
      expect(sentence, `${code}: one sentence`).toMatch(/^[A-Z'].*[^.]\.$/s);
      expect(sentence.slice(0, -1), `${code}: one sentence`).not.toMatch(/[.!?]\s/);
    }
  });

  it('name the side the failing registry is on', () => {
    const auth: ErrorDTO = { code: 'FERRY_ERR_AUTH', message: 'check the login on the Source step' };
    expect(explainError(auth, { side: 'target' }).sentence).toContain('on the Target step');
    expect(explainError(auth, { side: 'target' }).sentence).not.toContain('Source');
    expect(explainError(auth, { side: 'source' }).sentence).toContain('on the Source step');
    const unreachable: ErrorDTO = { code: 'FERRY_ERR_UNREACHABLE', message: '', details: { host: 'h:1' } };
    expect(explainError(unreachable, { side: 'target' }).sentence).toMatch(/^The registry h:1 .*Target step/);
  });

  it('tell a certificate problem apart from plain HTTP and from HTTPS', () => {
    const tls = (details: Record<string, unknown>) =>
      explainError({ code: 'FERRY_ERR_TLS', message: '', details: { host: 'r:5000', ...details } });
    const plain = tls({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    expect(plain.fixes).toEqual(['use-plain-http']);
    expect(plain.sentence).toContain('plain HTTP');
    expect(plain.sentence).not.toContain('certificate');
    const selfSigned = tls({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(selfSigned.fixes).toEqual(['choose-ca', 'accept-certificate']);
    expect(selfSigned.sentence).toContain('self-signed certificate');
    expect(selfSigned.sentence).not.toContain('plain HTTP');
    expect(tls({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }).fixes).toEqual([
      'choose-ca',
      'accept-certificate',
    ]);
    const https = tls({ status: 400 });
    expect(https.fixes).toEqual(['use-https']);
    expect(https.sentence).toContain('only over HTTPS');
  });

  it("show the app's own usage messages as they are, never the engine's", () => {
    const own: ErrorDTO = {
      code: 'FERRY_ERR_USAGE',
      message: "folder 'stick' is not a full path: choose it with Browse…",
      details: { inAppWords: true },
    };
    expect(explainError(own).sentence).toBe("Folder 'stick' is not a full path: choose it with Browse…");
    const engine: ErrorDTO = { code: 'FERRY_ERR_USAGE', message: 'nothing to pull: pass --image <ref>' };
    expect(explainError(engine).sentence).not.toContain('--image');
    expect(
      explainError({ code: 'FERRY_ERR_REFERENCE_INVALID', message: '', details: { input: 'A/B' } }).sentence,
    ).toMatch(/^'A\/B' is not an image name/);
  });

  it('fall back to the unexpected-error sentence for a code it does not know', () => {
    const unknown = { code: 'FERRY_ERR_FROM_THE_FUTURE', message: 'x' } as unknown as ErrorDTO;
    expect(explainError(unknown).title).toBe('Something unexpected went wrong');
  });
});
