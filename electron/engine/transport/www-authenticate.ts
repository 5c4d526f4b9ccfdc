// Parses WWW-Authenticate (RFC 9110 §11.6.1): one or more challenges, each a scheme followed by
// comma-separated auth-params whose values may be quoted strings with backslash escapes.
// Registries send `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"`
// or `Basic realm="..."`; a header may carry several challenges, and several headers may be sent.

export interface Challenge {
  /** Lowercase: 'bearer', 'basic', ... */
  scheme: string;
  /** Parameter names lowercased. */
  params: Record<string, string>;
}

const tokenChar = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

class Cursor {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipSeparators(): void {
    while (this.peek() === ',' || this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && tokenChar.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(): string {
    this.pos++; // opening quote
    let out = '';
    while (!this.done && this.peek() !== '"') {
      if (this.peek() === '\\') this.pos++;
      out += this.peek();
      this.pos++;
    }
    this.pos++; // closing quote
    return out;
  }
  /** token68 (Basic credentials in a challenge are rare but legal) or a param value. */
  valueOrToken68(): string {
    const start = this.pos;
    while (!this.done && /[A-Za-z0-9._~+/=-]/.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
}

/** Looks ahead: is the cursor at `name =` (an auth-param) rather than at a new scheme? */
function atParam(c: Cursor): boolean {
  const save = c.pos;
  const name = c.token();
  c.skipSpace();
  const isParam = name !== '' && c.peek() === '=';
  c.pos = save;
  return isParam;
}

function parseOne(header: string, out: Challenge[]): void {
  const c = new Cursor(header);
  let current: Challenge | undefined;
  while (true) {
    c.skipSeparators();
    if (c.done) break;
    if (current !== undefined && atParam(c)) {
      const name = c.token().toLowerCase();
      c.skipSpace();
      c.pos++; // '='
      c.skipSpace();
      current.params[name] = c.peek() === '"' ? c.quoted() : c.valueOrToken68();
      continue;
    }
    const scheme = c.token();
    if (scheme === '') {
      c.pos++; // unparseable character: skip it rather than loop
      continue;
    }
    current = { scheme: scheme.toLowerCase(), params: {} };
    out.push(current);
    c.skipSpace();
    // A token68 right after the scheme (no '=' param) belongs to the challenge; ignore its value.
    if (!c.done && c.peek() !== ',' && !atParam(c)) c.valueOrToken68();
  }
}

/** Every challenge in one or more WWW-Authenticate header values. */
export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const value of Array.isArray(header) ? header : header === undefined ? [] : [header]) {
    parseOne(value, out);
  }
  return out;
}

/** The challenge to answer: Bearer when offered (it carries scopes), else Basic, else undefined. */
export function preferredChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((ch) => ch.scheme === 'bearer') ?? challenges.find((ch) => ch.scheme === 'basic');
}
