// POSIX tar headers, encoded and decoded by hand because Ferry lays archives out in advance (every
// entry's offset is known before a byte is downloaded, so blobs stream straight into place) and
// indexes them by seeking from header to header; tar-stream only offers whole-stream packing.
// Writing: ustar (name split into prefix/name), PAX 'x' records for paths ustar cannot hold.
// Reading: ustar, PAX 'x' path/size, GNU 'L' long names (what `d8 mirror` writes).

export const BLOCK = 512;

export interface TarEntryHeader {
  name: string;
  size: number;
  /** '0' regular file, '5' directory, 'x' PAX, 'L' GNU long name, 'g' global PAX... */
  type: string;
  /** A link's target (type '1' or '2'), for naming it in messages. */
  linkName?: string;
}

export const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

function writeString(buf: Buffer, value: string, offset: number, length: number): void {
  buf.write(value, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new RangeError(`tar field overflow: ${value}`);
  buf.write(`${text}\0`, offset, length, 'ascii');
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum;
}

function ustarBlock(name: string, prefix: string, size: number, type: string): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, name, 0, 100);
  writeOctal(b, 0o644, 100, 8);
  writeOctal(b, 0, 108, 8);
  writeOctal(b, 0, 116, 8);
  if (size < 8 ** 11) writeOctal(b, size, 124, 12);
  else {
    // base-256 for sizes beyond 8 GiB (GNU and POSIX readers accept it)
    b[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) {
      b[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  writeOctal(b, 0, 136, 12); // mtime 0: identical input gives identical archives
  b.write(type, 156, 1, 'ascii');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  writeString(b, prefix, 345, 155);
  writeOctal(b, checksum(b), 148, 7);
  b[155] = 32;
  return b;
}

function splitUstar(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** The length of encodeFileHeader(path, size), without encoding it (laying out 70,000 entries). */
export function fileHeaderSize(path: string): number {
  return splitUstar(path) ? BLOCK : 2 * BLOCK + padded(Buffer.byteLength(paxRecord('path', path)));
}

/** Header bytes (one or more whole blocks) for a regular file. */
export function encodeFileHeader(path: string, size: number): Buffer {
  const split = splitUstar(path);
  if (split) return ustarBlock(split.name, split.prefix, size, '0');
  const pax = Buffer.from(paxRecord('path', path));
  const paxBody = Buffer.alloc(padded(pax.length));
  pax.copy(paxBody);
  return Buffer.concat([
    ustarBlock('PaxHeader', '', pax.length, 'x'),
    paxBody,
    ustarBlock(path.slice(-100), '', size, '0'),
  ]);
}

function readString(buf: Buffer, offset: number, length: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

function readNumber(buf: Buffer, offset: number, length: number): number {
  if (buf[offset]! & 0x80) {
    let v = 0;
    for (let i = offset + 1; i < offset + length; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const text = readString(buf, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Decodes one 512-byte header block; undefined for an all-zero (end-of-archive) block. */
export function decodeHeaderBlock(block: Buffer): TarEntryHeader | undefined {
  if (block.every((v) => v === 0)) return undefined;
  const stored = readNumber(block, 148, 8);
  if (stored !== checksum(block)) throw new Error('tar header checksum mismatch');
  const name = readString(block, 0, 100);
  const magic = block.toString('ascii', 257, 262);
  const prefix = magic === 'ustar' ? readString(block, 345, 155) : '';
  const typeByte = block[156]!;
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: readNumber(block, 124, 12),
    type: typeByte === 0 ? '0' : String.fromCharCode(typeByte),
    linkName: readString(block, 157, 100),
  };
}

/** Parses PAX extended-header records into key/value pairs. */
export function decodePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(32, i);
    if (space === -1) break;
    const len = parseInt(body.toString('ascii', i, space), 10);
    if (!len) break;
    const record = body.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}
