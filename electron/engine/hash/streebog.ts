// GOST R 34.11-2012 "Streebog" hash (RFC 6986), 256- and 512-bit.
//
// No maintained npm package implements it, and d8 mirror's .gostsum sidecars need it. The
// compression function runs as a small WebAssembly kernel that this file assembles at first use
// from the LPS tables in streebog-tables.ts: WebAssembly has native 64-bit integers, so one table
// lookup is one load, where plain JavaScript needs two 32-bit halves and bounds checks. Measured on
// the project's 2-core machine: ~135 MiB/s here, ~42 MiB/s for the best int32-pair JavaScript
// version we tried, 160-190 MiB/s for gost12sum (bench/gost.ts). No BigInt is involved: only i32
// offsets cross into the kernel.
//
// Byte order: a byte stream is read as a little-endian number (its first byte is the least
// significant byte of M), and the standard writes M and H(M) as big-endian numbers. digest()
// returns H(M) in that same little-endian byte order, which is what `gost12sum` and
// `rhash --gost12-256` print; the standard's and RFC 6986's printed vectors are its byte reverse.
import { LPS_HI, LPS_LO, ROUND_CONSTANTS } from './streebog-tables.ts';

const BLOCK_BYTES = 64;

// ---------------------------------------------------------------------------------------------
// Kernel memory layout (two 64 KiB pages, never grown, so views stay valid).
// ---------------------------------------------------------------------------------------------
const TABLES_AT = 0; // 8 LPS tables × 256 × 8 bytes
const CONSTANTS_AT = 16384; // C_1..C_12, 64 bytes each
const ZERO_AT = 17152; // 64 zero bytes: the N of g_0
const STATE_AT = 17216; // h, N, Sigma of the hasher being run, 64 bytes each
const H_AT = STATE_AT;
const N_AT = STATE_AT + 64;
const SIGMA_AT = STATE_AT + 128;
const STATE_BYTES = 192;
const INPUT_AT = 65536; // staging area for message blocks
const INPUT_BYTES = 65536;
const PAGES = 2;

// WebAssembly opcodes used by the kernel (WebAssembly core spec, section 5.4).
const I32 = 0x7f;
const I64 = 0x7e;
const VOID_BLOCK = 0x40;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i64LtU: 0x54,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const low = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
}

/** Collects one function body's instructions. */
class CodeWriter {
  readonly bytes: number[] = [];
  emit(...b: number[]): void {
    for (const x of b) this.bytes.push(x);
  }
  get(local: number): void {
    this.emit(op.localGet, ...unsignedLeb(local));
  }
  set(local: number): void {
    this.emit(op.localSet, ...unsignedLeb(local));
  }
  /** Pushes the 64-bit word at pointerLocal + offset (alignment hint 2^3). */
  load64(pointerLocal: number, offset: number): void {
    this.get(pointerLocal);
    this.emit(op.i64Load, 3, ...unsignedLeb(offset));
  }
  i32(value: number): void {
    this.emit(op.i32Const, ...signedLeb(value));
  }
}

/**
 * g(h, n, m): h = g_N(h, m) = E(LPS(h ^ N), m) ^ h ^ m, with h, N, m given as pointers to 64 bytes.
 * E(K, m) = X[K_13] LPSX[K_12] ... LPSX[K_1](m), with K_1 = K and K_{i+1} = LPS(K_i ^ C_i).
 */
function compressBody(): number[] {
  const w = new CodeWriter();
  const H = 0;
  const N = 1;
  const M = 2;
  const k = (j: number): number => 3 + j; // the round key, 8 i64 locals
  const y = (j: number): number => 11 + j; // LPS of the running state, 8 i64 locals
  const t = (j: number): number => 19 + j; // LPS input, 8 i64 locals
  const ROUNDS_LEFT = 27;
  const CONSTANT = 28;

  // dst = LPS(t): word i of the result is XOR over j of table j at byte i of t_j. The table index
  // is that byte times 8, taken in one shift and mask.
  const lps = (dst: (j: number) => number): void => {
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        w.get(t(j));
        if (i === 0) {
          w.emit(op.i32WrapI64);
          w.i32(3);
          w.emit(op.i32Shl);
        } else {
          w.emit(op.i64Const, ...signedLeb(8 * i - 3), op.i64ShrU, op.i32WrapI64);
        }
        w.i32(0x7f8);
        w.emit(op.i32And, op.i64Load, 3, ...unsignedLeb(TABLES_AT + j * 2048));
        if (j > 0) w.emit(op.i64Xor);
      }
      w.set(dst(i));
    }
  };

  // K_1 = LPS(h ^ N)
  for (let j = 0; j < 8; j++) {
    w.load64(H, j * 8);
    w.load64(N, j * 8);
    w.emit(op.i64Xor);
    w.set(t(j));
  }
  lps(k);
  // y = LPS(K_1 ^ m)
  for (let j = 0; j < 8; j++) {
    w.get(k(j));
    w.load64(M, j * 8);
    w.emit(op.i64Xor);
    w.set(t(j));
  }
  lps(y);
  // 12 times: K = LPS(K ^ C_r); then, except the last time, y = LPS(y ^ K).
  w.i32(CONSTANTS_AT);
  w.set(CONSTANT);
  w.i32(12);
  w.set(ROUNDS_LEFT);
  w.emit(op.block, VOID_BLOCK, op.loop, VOID_BLOCK);
  for (let j = 0; j < 8; j++) {
    w.get(k(j));
    w.load64(CONSTANT, j * 8);
    w.emit(op.i64Xor);
    w.set(t(j));
  }
  lps(k);
  w.get(ROUNDS_LEFT);
  w.i32(1);
  w.emit(op.i32Sub, op.localTee, ROUNDS_LEFT, op.i32Eqz, op.brIf, 1);
  for (let j = 0; j < 8; j++) {
    w.get(y(j));
    w.get(k(j));
    w.emit(op.i64Xor);
    w.set(t(j));
  }
  lps(y);
  w.get(CONSTANT);
  w.i32(64);
  w.emit(op.i32Add);
  w.set(CONSTANT);
  w.emit(op.br, 0, op.end, op.end);
  // h = (y ^ K_13) ^ h ^ m
  for (let j = 0; j < 8; j++) {
    w.get(H);
    w.load64(H, j * 8);
    w.get(y(j));
    w.emit(op.i64Xor);
    w.get(k(j));
    w.emit(op.i64Xor);
    w.load64(M, j * 8);
    w.emit(op.i64Xor, op.i64Store, 3, ...unsignedLeb(j * 8));
  }
  w.emit(op.end);
  return [2, 24, I64, 2, I32, ...w.bytes]; // locals: 24 i64, 2 i32
}

/**
 * blocks(h, n, sigma, m, count): stage 2 of the standard for `count` whole blocks at m:
 * h = g_N(h, m); N += 512; Sigma += m (both mod 2^512); m += 64.
 */
function blocksBody(): number[] {
  const w = new CodeWriter();
  const H = 0;
  const N = 1;
  const SIGMA = 2;
  const M = 3;
  const COUNT = 4;
  const A = 5;
  const SUM = 6;
  const CARRY = 7;

  // dst += addend (mod 2^512), word by word with an explicit carry.
  const addInto = (dst: number, pushAddend: (j: number) => void): void => {
    w.emit(op.i64Const, 0);
    w.set(CARRY);
    for (let j = 0; j < 8; j++) {
      w.load64(dst, j * 8);
      w.set(A);
      w.get(A);
      pushAddend(j);
      w.emit(op.i64Add);
      w.set(SUM); // SUM = a + b
      w.get(SUM);
      w.get(A);
      w.emit(op.i64LtU, op.i64ExtendI32U); // carry out of a + b
      w.get(SUM);
      w.get(CARRY);
      w.emit(op.i64Add);
      w.set(A); // A = a + b + carry in
      w.get(A);
      w.get(SUM);
      w.emit(op.i64LtU, op.i64ExtendI32U, op.i64Or);
      w.set(CARRY);
      w.get(dst);
      w.get(A);
      w.emit(op.i64Store, 3, ...unsignedLeb(j * 8));
    }
  };

  w.emit(op.block, VOID_BLOCK);
  w.get(COUNT);
  w.emit(op.i32Eqz, op.brIf, 0, op.loop, VOID_BLOCK);
  w.get(H);
  w.get(N);
  w.get(M);
  w.emit(op.call, 0);
  addInto(N, (j) => w.emit(op.i64Const, ...signedLeb(j === 0 ? 512 : 0)));
  addInto(SIGMA, (j) => w.load64(M, j * 8));
  w.get(M);
  w.i32(BLOCK_BYTES);
  w.emit(op.i32Add);
  w.set(M);
  w.get(COUNT);
  w.i32(1);
  w.emit(op.i32Sub, op.localTee, COUNT, op.brIf, 0, op.end, op.end, op.end);
  return [1, 3, I64, ...w.bytes]; // locals: 3 i64
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsignedLeb(body.length), ...body];
}

function utf8Name(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function assembleKernel(): Uint8Array {
  const g = compressBody();
  const blocks = blocksBody();
  const FUNC = 0x60;
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [2, FUNC, 3, I32, I32, I32, 0, FUNC, 5, I32, I32, I32, I32, I32, 0]), // types
    ...section(3, [2, 0, 1]), // function 0 has type 0, function 1 has type 1
    ...section(5, [1, 0, PAGES]), // one memory, PAGES pages, no maximum
    ...section(7, [3, ...utf8Name('memory'), 2, 0, ...utf8Name('g'), 0, 0, ...utf8Name('blocks'), 0, 1]),
    ...section(10, [2, ...unsignedLeb(g.length), ...g, ...unsignedLeb(blocks.length), ...blocks]),
  ]);
}

interface Kernel {
  /** The kernel's whole memory, as bytes. */
  memory: Uint8Array;
  /** h = g_N(h, m); arguments are offsets into memory. */
  g: (h: number, n: number, m: number) => void;
  /** Stage 2 over `count` whole blocks at m: g_N, then N += 512 and Sigma += m each time. */
  blocks: (h: number, n: number, sigma: number, m: number, count: number) => void;
}

// The little of the WebAssembly JS API used here. tsconfig.node.json's lib (ES2023) has no
// WebAssembly types (TypeScript keeps them in lib.dom), and Node provides the global at run time.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: object,
  ) => {
    exports: { memory: { buffer: ArrayBuffer }; g: Kernel['g']; blocks: Kernel['blocks'] };
  };
}

let kernel: Kernel | undefined;

function getKernel(): Kernel {
  if (kernel !== undefined) return kernel;
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const { exports } = new wasm.Instance(new wasm.Module(assembleKernel()), {});
  const view = new DataView(exports.memory.buffer);
  // WebAssembly memory is little-endian; DataView makes that explicit on any host.
  for (let i = 0; i < 2048; i++) {
    view.setInt32(TABLES_AT + i * 8, LPS_LO[i]!, true);
    view.setInt32(TABLES_AT + i * 8 + 4, LPS_HI[i]!, true);
  }
  for (let i = 0; i < ROUND_CONSTANTS.length; i++) {
    view.setInt32(CONSTANTS_AT + i * 4, ROUND_CONSTANTS[i]!, true);
  }
  kernel = { memory: new Uint8Array(exports.memory.buffer), g: exports.g, blocks: exports.blocks };
  return kernel;
}

/** memory[a..a+64) += value (mod 2^512): a 64-byte little-endian number plus a small integer. */
function addSmallMod512(memory: Uint8Array, a: number, value: number): void {
  let carry = value;
  for (let i = 0; i < 64 && carry !== 0; i++) {
    const sum = memory[a + i]! + carry;
    memory[a + i] = sum & 0xff;
    carry = Math.floor(sum / 256);
  }
}

/** memory[a..a+64) += memory[b..b+64) (mod 2^512), both 64-byte little-endian numbers. */
function addMod512(memory: Uint8Array, a: number, b: number): void {
  let carry = 0;
  for (let i = 0; i < 64; i++) {
    const sum = memory[a + i]! + memory[b + i]! + carry;
    memory[a + i] = sum & 0xff;
    carry = sum >>> 8;
  }
}

/** The shared core of both digest sizes; they differ only in IV and in how much of h they output. */
class StreebogCore {
  // h, N and Sigma live here between calls and are copied into the shared kernel while it runs,
  // so any number of hashers can be in progress at once.
  private readonly state = new Uint8Array(STATE_BYTES);
  private readonly tail = new Uint8Array(BLOCK_BYTES);
  private tailLength = 0;
  private finished = false;
  private readonly outputBytes: number;

  constructor(outputBytes: 32 | 64) {
    this.outputBytes = outputBytes;
    // IV: all zero bytes for 512 bits, all 0x01 bytes for 256 bits.
    if (outputBytes === 32) this.state.fill(0x01, 0, 64);
  }

  update(data: Uint8Array): void {
    if (this.finished) throw new Error('Streebog: update() after digest(); create a new hasher');
    let offset = 0;
    if (this.tailLength > 0) {
      const take = Math.min(BLOCK_BYTES - this.tailLength, data.length);
      this.tail.set(data.subarray(0, take), this.tailLength);
      this.tailLength += take;
      offset = take;
      if (this.tailLength < BLOCK_BYTES) return;
    }
    const rest = data.length - offset;
    const wholeBytes = rest - (rest % BLOCK_BYTES);
    if (this.tailLength === BLOCK_BYTES || wholeBytes > 0) {
      const k = getKernel();
      k.memory.set(this.state, STATE_AT);
      if (this.tailLength === BLOCK_BYTES) {
        k.memory.set(this.tail, INPUT_AT);
        k.blocks(H_AT, N_AT, SIGMA_AT, INPUT_AT, 1);
        this.tailLength = 0;
      }
      // Whole blocks are always hashed at once: a message that ends on a block boundary still gets
      // a padding block of its own in digest(), as the standard says.
      for (let done = 0; done < wholeBytes;) {
        const n = Math.min(INPUT_BYTES, wholeBytes - done);
        k.memory.set(data.subarray(offset + done, offset + done + n), INPUT_AT);
        k.blocks(H_AT, N_AT, SIGMA_AT, INPUT_AT, n / BLOCK_BYTES);
        done += n;
      }
      this.state.set(k.memory.subarray(STATE_AT, STATE_AT + STATE_BYTES));
      offset += wholeBytes;
    }
    if (offset < data.length) {
      this.tail.set(data.subarray(offset), 0);
      this.tailLength = data.length - offset;
    }
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error('Streebog: digest() called twice; create a new hasher');
    this.finished = true;
    const k = getKernel();
    const memory = k.memory;
    memory.set(this.state, STATE_AT);
    // Stage 3: pad the remaining 0..63 bytes with one 1 bit then zeros up to a whole block.
    const block = this.tail;
    block[this.tailLength] = 0x01;
    block.fill(0, this.tailLength + 1);
    memory.set(block, INPUT_AT);
    k.g(H_AT, N_AT, INPUT_AT);
    addSmallMod512(memory, N_AT, this.tailLength * 8);
    addMod512(memory, SIGMA_AT, INPUT_AT);
    k.g(H_AT, ZERO_AT, N_AT);
    k.g(H_AT, ZERO_AT, SIGMA_AT);
    // H(M) is the most significant outputBytes of h: the last ones in little-endian order.
    return memory.slice(H_AT + 64 - this.outputBytes, H_AT + 64);
  }
}

/** Streebog-256 (GOST R 34.11-2012, 256-bit). Feed with update(), finish once with digest(). */
export class Streebog256 {
  private readonly core = new StreebogCore(32);

  update(data: Uint8Array): this {
    this.core.update(data);
    return this;
  }

  /** 32 bytes in the order gost12sum prints them (the byte reverse of the standard's notation). */
  digest(): Uint8Array {
    return this.core.digest();
  }
}

/** Streebog-512 (GOST R 34.11-2012, 512-bit). Feed with update(), finish once with digest(). */
export class Streebog512 {
  private readonly core = new StreebogCore(64);

  update(data: Uint8Array): this {
    this.core.update(data);
    return this;
  }

  /** 64 bytes in the order `gost12sum -l` prints them (the byte reverse of the standard's notation). */
  digest(): Uint8Array {
    return this.core.digest();
  }
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Lowercase hex Streebog-256 of `data`, exactly as `gost12sum` prints it. */
export function streebog256Hex(data: Uint8Array): string {
  return toHex(new Streebog256().update(data).digest());
}

/** Lowercase hex Streebog-512 of `data`, exactly as `gost12sum -l` prints it. */
export function streebog512Hex(data: Uint8Array): string {
  return toHex(new Streebog512().update(data).digest());
}
