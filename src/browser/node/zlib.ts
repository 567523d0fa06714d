/**
 * The browser build's `node:zlib`: the three synchronous functions iceberg-rx calls
 * (`inflateRawSync` for Avro's deflate codec, `gunzipSync` for `*.gz.metadata.json`, `crc32` for
 * deletion vectors), in plain TypeScript. A DEFLATE (RFC 1951) decoder with a growing output, and
 * gzip (RFC 1952) members around it with their CRC and length checked, as Node does.
 */
import { Buffer } from './buffer.ts';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of `data`, continuing from `value` (default 0), as Node's `zlib.crc32`. */
export function crc32(data: Uint8Array | string, value = 0): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zlib-like error (Node's carry a `code`). */
class ZlibError extends Error {
  constructor(
    message: string,
    readonly code = 'Z_DATA_ERROR',
  ) {
    super(message);
    this.name = 'Error';
  }
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: counts per length and symbols ordered by code. */
interface Huffman {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

function huffman(lengths: ArrayLike<number>, offset: number, n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[offset + i]!]! += 1;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = (left << 1) - counts[len]!;
    if (left < 0) throw new ZlibError('invalid code lengths set');
  }
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + counts[len]!;
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const len = lengths[offset + i]!;
    if (len !== 0) symbols[offs[len]!++] = i;
  }
  return { counts, symbols };
}

const FIXED = (() => {
  const l = new Uint8Array(288 + 30);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  l.fill(5, 288, 318);
  return { lit: huffman(l, 0, 288), dist: huffman(l, 288, 30) };
})();

/** Bit reader and growing output of one DEFLATE stream. */
class Inflater {
  pos: number;
  private bitBuf = 0;
  private bitCnt = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(
    private readonly input: Uint8Array,
    start: number,
    sizeHint: number,
  ) {
    this.pos = start;
    this.out = new Uint8Array(Math.max(1024, sizeHint));
  }

  private bits(n: number): number {
    let buf = this.bitBuf;
    while (this.bitCnt < n) {
      if (this.pos >= this.input.length) throw new ZlibError('unexpected end of file', 'Z_BUF_ERROR');
      buf |= this.input[this.pos++]! << this.bitCnt;
      this.bitCnt += 8;
    }
    this.bitBuf = buf >>> n;
    this.bitCnt -= n;
    return buf & ((1 << n) - 1);
  }

  private decodeSymbol(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - count < first) return h.symbols[index + (code - first)]!;
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw new ZlibError('invalid code');
  }

  private ensure(extra: number): void {
    const need = this.outLen + extra;
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.max(need, this.out.length * 2));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  /** Inflates the stream from the current position to its final block. */
  run(): void {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED.lit, FIXED.dist);
      else if (type === 2) this.dynamic();
      else throw new ZlibError('invalid block type');
    }
  }

  /** Byte position just after the stream (the rest of the last partial byte is dropped). */
  alignedEnd(): number {
    this.bitBuf = 0;
    this.bitCnt = 0;
    return this.pos;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.bitCnt = 0;
    if (this.pos + 4 > this.input.length) throw new ZlibError('unexpected end of file', 'Z_BUF_ERROR');
    const len = this.input[this.pos]! | (this.input[this.pos + 1]! << 8);
    const nlen = this.input[this.pos + 2]! | (this.input[this.pos + 3]! << 8);
    if (len !== (~nlen & 0xffff)) throw new ZlibError('invalid stored block lengths');
    this.pos += 4;
    if (this.pos + len > this.input.length) throw new ZlibError('unexpected end of file', 'Z_BUF_ERROR');
    this.ensure(len);
    this.out.set(this.input.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new ZlibError('too many length or distance symbols');
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CLEN_ORDER[i]!] = this.bits(3);
    const clen = huffman(lengths, 0, 19);
    lengths.fill(0, 0, 19);
    let i = 0;
    while (i < nlen + ndist) {
      const sym = this.decodeSymbol(clen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let len = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new ZlibError('invalid bit length repeat');
        len = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (i + repeat > nlen + ndist) throw new ZlibError('invalid bit length repeat');
      while (repeat--) lengths[i++] = len;
    }
    if (lengths[256] === 0) throw new ZlibError('invalid code -- missing end-of-block');
    this.codes(huffman(lengths, 0, nlen), huffman(lengths, nlen, ndist));
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      let sym = this.decodeSymbol(lit);
      if (sym < 256) {
        this.ensure(1);
        this.out[this.outLen++] = sym;
        continue;
      }
      if (sym === 256) return;
      sym -= 257;
      if (sym >= 29) throw new ZlibError('invalid literal/length code');
      const len = LENGTH_BASE[sym]! + this.bits(LENGTH_EXTRA[sym]!);
      const dsym = this.decodeSymbol(dist);
      if (dsym >= 30) throw new ZlibError('invalid distance code');
      const d = DIST_BASE[dsym]! + this.bits(DIST_EXTRA[dsym]!);
      if (d > this.outLen) throw new ZlibError('invalid distance too far back');
      this.ensure(len);
      const out = this.out;
      let at = this.outLen;
      for (let k = 0; k < len; k++, at++) out[at] = out[at - d]!;
      this.outLen = at;
    }
  }
}

function asBytes(data: ArrayBufferView | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function toBuffer(bytes: Uint8Array, length: number): Buffer {
  return Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
}

/** Inflates a raw DEFLATE stream (no zlib or gzip wrapper), as Node's `zlib.inflateRawSync`. */
export function inflateRawSync(data: ArrayBufferView | ArrayBuffer): Buffer {
  const input = asBytes(data);
  const inflater = new Inflater(input, 0, input.length * 4);
  inflater.run();
  return toBuffer(inflater.out, inflater.outLen);
}

/** Decompresses gzip data (one or more members), checking each member's CRC-32 and length, as Node's `zlib.gunzipSync`. */
export function gunzipSync(data: ArrayBufferView | ArrayBuffer): Buffer {
  const input = asBytes(data);
  const parts: Uint8Array[] = [];
  let at = 0;
  do {
    if (input.length - at < 18 || input[at] !== 0x1f || input[at + 1] !== 0x8b) {
      if (parts.length > 0) break; // trailing garbage after a member, as zlib ignores it
      throw new ZlibError('incorrect header check');
    }
    if (input[at + 2] !== 8) throw new ZlibError('unknown compression method');
    const flags = input[at + 3]!;
    let p = at + 10;
    if (flags & 4) p += 2 + (input[p]! | (input[p + 1]! << 8));
    if (flags & 8) while (p < input.length && input[p++] !== 0);
    if (flags & 16) while (p < input.length && input[p++] !== 0);
    if (flags & 2) p += 2;
    const inflater = new Inflater(input, p, input.length * 4);
    inflater.run();
    const end = inflater.alignedEnd();
    if (end + 8 > input.length) throw new ZlibError('unexpected end of file', 'Z_BUF_ERROR');
    const member = inflater.out.subarray(0, inflater.outLen);
    const crc = (input[end]! | (input[end + 1]! << 8) | (input[end + 2]! << 16) | (input[end + 3]! << 24)) >>> 0;
    const size = (input[end + 4]! | (input[end + 5]! << 8) | (input[end + 6]! << 16) | (input[end + 7]! << 24)) >>> 0;
    if (crc !== crc32(member)) throw new ZlibError('incorrect data check');
    if (size !== member.length >>> 0) throw new ZlibError('incorrect length check');
    parts.push(member);
    at = end + 8;
  } while (at < input.length);
  return parts.length === 1 ? toBuffer(parts[0]!, parts[0]!.length) : Buffer.concat(parts);
}

export default { crc32, inflateRawSync, gunzipSync };
