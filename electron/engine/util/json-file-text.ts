// Pretty-printed JSON of a large document in pieces: a transfer manifest of an edition is tens of MB
// as text, and one string of it (then one Buffer of that string) was the largest thing the end of a
// pull held.

/** Text handed on at once: big enough for few writes, small beside the document. */
const PIECE = 1 << 20;

const INDENT = '  ';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof (v as { toJSON?: unknown }).toJSON !== 'function' &&
  [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** What JSON.stringify leaves out of an object and writes as null in an array. */
const isSkipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The text of `value` at `indent`, its objects and arrays opened down to `depth` levels. */
function* parts(value: unknown, indent: string, depth: number): Generator<string> {
  const inner = indent + INDENT;
  if (depth > 0 && Array.isArray(value) && value.length > 0) {
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : '['}\n${inner}`;
      const v: unknown = value[i];
      if (isSkipped(v)) yield 'null';
      else yield* parts(v, inner, depth - 1);
    }
    yield `\n${indent}]`;
    return;
  }
  if (depth > 0 && isPlainObject(value)) {
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (isSkipped(v)) continue;
      yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      first = false;
      yield* parts(v, inner, depth - 1);
    }
    yield first ? '{}' : `\n${indent}}`;
    return;
  }
  // JSON escapes a newline inside a string, so every newline here is between tokens.
  yield JSON.stringify(value, null, INDENT.length).replaceAll('\n', `\n${indent}`);
}

/**
 * A JSON file's text, `${JSON.stringify(value, null, 2)}\n`, in pieces of about a MiB. The top
 * levels (`depth`, default 2: the document and its members' elements) are written member by member;
 * deeper values are stringified whole, so each must be small.
 */
export function* jsonFileText(value: unknown, depth = 2): Generator<string> {
  yield* inPieces(parts(value, '', depth));
  yield '\n';
}

/** Small strings joined into pieces of about a MiB, so a large file takes few writes. */
export function* inPieces(parts: Iterable<string>): Generator<string> {
  let piece = '';
  for (const part of parts) {
    piece += part;
    if (piece.length >= PIECE) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}
