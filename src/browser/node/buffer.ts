/**
 * The browser build's `Buffer`: a `Uint8Array` subclass with the part of Node's `Buffer` API that
 * iceberg-rx and avsc use (Avro decoding, UTF-8/hex/base64 text, little-endian numbers). The
 * browser bundle maps `buffer` and `node:buffer` to this module and injects it as the global
 * `Buffer` (scripts/build-browser.mjs); the Node build never loads it.
 *
 * As in Node, `slice` returns a view, not a copy.
 */

/** Encodings this Buffer reads and writes. */
export type BufferEncoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'latin1' | 'binary' | 'ascii';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function normalizeEncoding(encoding: string | undefined): 'utf8' | 'hex' | 'base64' | 'latin1' {
  switch ((encoding ?? 'utf8').toLowerCase()) {
    case 'utf8':
    case 'utf-8':
      return 'utf8';
    case 'hex':
      return 'hex';
    case 'base64':
    case 'base64url':
      return 'base64';
    case 'latin1':
    case 'binary':
    case 'ascii':
      return 'latin1';
    default:
      throw new TypeError(`Unknown encoding: ${encoding}`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function latin1String(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

function encodeString(text: string, encoding: string | undefined): Uint8Array {
  switch (normalizeEncoding(encoding)) {
    case 'utf8':
      return encoder.encode(text);
    case 'hex': {
      const n = text.length >>> 1;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const b = Number.parseInt(text.substr(i * 2, 2), 16);
        if (Number.isNaN(b)) return out.subarray(0, i);
        out[i] = b;
      }
      return out;
    }
    case 'base64': {
      const clean = text.replace(/[^A-Za-z0-9+/\-_]/g, '').replace(/-/g, '+').replace(/_/g, '/');
      const padded = clean + '='.repeat((4 - (clean.length % 4)) % 4);
      const bin = atob(padded);
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
    case 'latin1': {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
      return out;
    }
  }
}

/** Node's `Buffer`, for browsers (the subset iceberg-rx and avsc need). */
export class Buffer extends Uint8Array {
  /** A Buffer from a string (with an encoding), bytes, an array of numbers, or a view of an ArrayBuffer. */
  static override from(value: unknown, encodingOrOffset?: unknown, length?: number): Buffer {
    if (typeof value === 'string') return Buffer.fromBytes(encodeString(value, encodingOrOffset as string | undefined));
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
      const offset = (encodingOrOffset as number | undefined) ?? 0;
      return new Buffer(value as ArrayBuffer, offset, length ?? value.byteLength - offset);
    }
    if (ArrayBuffer.isView(value)) {
      const v = value as ArrayBufferView;
      const copy = new Buffer(v.byteLength);
      copy.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return copy;
    }
    if (Array.isArray(value)) {
      const out = new Buffer(value.length);
      for (let i = 0; i < value.length; i++) out[i] = Number(value[i]) & 0xff;
      return out;
    }
    throw new TypeError('Buffer.from: unsupported argument');
  }

  private static fromBytes(bytes: Uint8Array): Buffer {
    return new Buffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A zero-filled (or `fill`-filled) Buffer of `size` bytes. */
  static alloc(size: number, fill?: number): Buffer {
    const b = new Buffer(size);
    if (fill !== undefined && fill !== 0) b.fill(fill);
    return b;
  }

  /** A Buffer of `size` bytes (zero-filled here). */
  static allocUnsafe(size: number): Buffer {
    return new Buffer(size);
  }

  /** A Buffer of `size` bytes (zero-filled here). */
  static allocUnsafeSlow(size: number): Buffer {
    return new Buffer(size);
  }

  /** Whether `value` is a Buffer. */
  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer;
  }

  /** Whether `encoding` is one this Buffer knows. */
  static isEncoding(encoding: string): boolean {
    try {
      normalizeEncoding(encoding);
      return true;
    } catch {
      return false;
    }
  }

  /** Bytes of `value` in `encoding` (default UTF-8). */
  static byteLength(value: string | ArrayBufferView | ArrayBuffer, encoding?: BufferEncoding): number {
    if (typeof value !== 'string') return value.byteLength;
    if (normalizeEncoding(encoding) === 'utf8') {
      let n = 0;
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c < 0x80) n += 1;
        else if (c < 0x800) n += 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          n += 4;
          i += 1;
        } else n += 3;
      }
      return n;
    }
    return encodeString(value, encoding).byteLength;
  }

  /** The bytes of `list` one after the other. */
  static concat(list: readonly Uint8Array[], totalLength?: number): Buffer {
    const total = totalLength ?? list.reduce((n, b) => n + b.byteLength, 0);
    const out = new Buffer(total);
    let at = 0;
    for (const b of list) {
      if (at >= total) break;
      const part = b.subarray(0, Math.min(b.byteLength, total - at));
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  /** Byte-wise comparison: -1, 0 or 1. */
  static compare(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  private view(): DataView {
    return new DataView(this.buffer, this.byteOffset, this.byteLength);
  }

  /** A view of bytes `[start, end)` (no copy, as in Node). */
  override slice(start?: number, end?: number): Buffer {
    return this.subarray(start, end) as Buffer;
  }

  /** The bytes `[start, end)` as text in `encoding` (default UTF-8). */
  override toString(encoding?: string, start = 0, end = this.length): string {
    const bytes = this.subarray(Math.max(0, start), Math.min(this.length, end));
    switch (normalizeEncoding(encoding)) {
      case 'utf8':
        return decoder.decode(bytes);
      case 'hex': {
        let out = '';
        for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
        return out;
      }
      case 'base64':
        return btoa(latin1String(bytes));
      case 'latin1':
        return latin1String(bytes);
    }
  }

  /** UTF-8 text of bytes `[start, end)`. */
  utf8Slice(start = 0, end = this.length): string {
    return this.toString('utf8', start, end);
  }

  /** Latin-1 text of bytes `[start, end)`. */
  latin1Slice(start = 0, end = this.length): string {
    return this.toString('latin1', start, end);
  }

  /** Writes `text` at `offset` (at most `length` bytes); returns the bytes written. */
  write(text: string, offset?: number | string, length?: number | string, encoding?: string): number {
    if (typeof offset === 'string') {
      encoding = offset;
      offset = 0;
    } else if (typeof length === 'string') {
      encoding = length;
      length = undefined;
    }
    const at = offset ?? 0;
    const bytes = encodeString(text, encoding);
    const n = Math.min(bytes.byteLength, (length as number | undefined) ?? this.length - at, this.length - at);
    this.set(bytes.subarray(0, n), at);
    return n;
  }

  /** Writes `text` as UTF-8 at `offset`. */
  utf8Write(text: string, offset = 0, length?: number): number {
    return this.write(text, offset, length ?? this.length - offset, 'utf8');
  }

  /** Writes `text` as Latin-1 at `offset`. */
  latin1Write(text: string, offset = 0, length?: number): number {
    return this.write(text, offset, length ?? this.length - offset, 'latin1');
  }

  /** Writes `text` as Latin-1 at `offset`. */
  binaryWrite(text: string, offset = 0, length?: number): number {
    return this.latin1Write(text, offset, length);
  }

  /** Copies bytes `[sourceStart, sourceEnd)` into `target` at `targetStart`; returns the bytes copied. */
  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    const n = Math.max(0, Math.min(sourceEnd - sourceStart, target.length - targetStart));
    target.set(this.subarray(sourceStart, sourceStart + n), targetStart);
    return n;
  }

  /** Whether both hold the same bytes. */
  equals(other: Uint8Array): boolean {
    return Buffer.compare(this, other) === 0;
  }

  /** Byte-wise comparison with `other`: -1, 0 or 1. */
  compare(other: Uint8Array): number {
    return Buffer.compare(this, other);
  }

  /** An unsigned little-endian integer of `byteLength` (≤ 6) bytes at `offset`. */
  readUIntLE(offset: number, byteLength: number): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < byteLength; i++) {
      value += this[offset + i]! * mul;
      mul *= 0x100;
    }
    return value;
  }

  /** A signed little-endian integer of `byteLength` (≤ 6) bytes at `offset`. */
  readIntLE(offset: number, byteLength: number): number {
    const value = this.readUIntLE(offset, byteLength);
    const limit = 2 ** (8 * byteLength - 1);
    return value >= limit ? value - 2 * limit : value;
  }

  /** Writes `value` as a little-endian integer of `byteLength` (≤ 6) bytes at `offset`. */
  writeIntLE(value: number, offset: number, byteLength: number): number {
    let v = value < 0 ? value + 2 ** (8 * byteLength) : value;
    for (let i = 0; i < byteLength; i++) {
      this[offset + i] = v & 0xff;
      v = Math.floor(v / 0x100);
    }
    return offset + byteLength;
  }

  /** Writes `value` as an unsigned little-endian integer of `byteLength` (≤ 6) bytes at `offset`. */
  writeUIntLE(value: number, offset: number, byteLength: number): number {
    return this.writeIntLE(value, offset, byteLength);
  }

  /** Byte at `offset`. */
  readUInt8(offset = 0): number {
    return this[offset]!;
  }
  /** Signed byte at `offset`. */
  readInt8(offset = 0): number {
    return this.view().getInt8(offset);
  }
  /** Little-endian u16 at `offset`. */
  readUInt16LE(offset = 0): number {
    return this.view().getUint16(offset, true);
  }
  /** Little-endian i32 at `offset`. */
  readInt32LE(offset = 0): number {
    return this.view().getInt32(offset, true);
  }
  /** Little-endian u32 at `offset`. */
  readUInt32LE(offset = 0): number {
    return this.view().getUint32(offset, true);
  }
  /** Big-endian i32 at `offset`. */
  readInt32BE(offset = 0): number {
    return this.view().getInt32(offset, false);
  }
  /** Big-endian u32 at `offset`. */
  readUInt32BE(offset = 0): number {
    return this.view().getUint32(offset, false);
  }
  /** Little-endian f32 at `offset`. */
  readFloatLE(offset = 0): number {
    return this.view().getFloat32(offset, true);
  }
  /** Little-endian f64 at `offset`. */
  readDoubleLE(offset = 0): number {
    return this.view().getFloat64(offset, true);
  }
  /** Little-endian i64 at `offset`. */
  readBigInt64LE(offset = 0): bigint {
    return this.view().getBigInt64(offset, true);
  }
  /** Little-endian u64 at `offset`. */
  readBigUInt64LE(offset = 0): bigint {
    return this.view().getBigUint64(offset, true);
  }
  /** Big-endian i64 at `offset`. */
  readBigInt64BE(offset = 0): bigint {
    return this.view().getBigInt64(offset, false);
  }
  /** Writes a little-endian f32 at `offset`. */
  writeFloatLE(value: number, offset = 0): number {
    this.view().setFloat32(offset, value, true);
    return offset + 4;
  }
  /** Writes a little-endian f64 at `offset`. */
  writeDoubleLE(value: number, offset = 0): number {
    this.view().setFloat64(offset, value, true);
    return offset + 8;
  }
  /** Writes a little-endian i32 at `offset`. */
  writeInt32LE(value: number, offset = 0): number {
    this.view().setInt32(offset, value, true);
    return offset + 4;
  }
  /** Writes a little-endian u32 at `offset`. */
  writeUInt32LE(value: number, offset = 0): number {
    this.view().setUint32(offset, value, true);
    return offset + 4;
  }
  /** Writes a little-endian i64 at `offset`. */
  writeBigInt64LE(value: bigint, offset = 0): number {
    this.view().setBigInt64(offset, value, true);
    return offset + 8;
  }
  /** Writes a little-endian u64 at `offset`. */
  writeBigUInt64LE(value: bigint, offset = 0): number {
    this.view().setBigUint64(offset, value, true);
    return offset + 8;
  }

  /** JSON form as in Node. */
  toJSON(): { type: 'Buffer'; data: number[] } {
    return { type: 'Buffer', data: Array.from(this) };
  }
}

/** Node's `SlowBuffer` (a plain Buffer here). */
export const SlowBuffer = Buffer;
/** Node's `kMaxLength`. */
export const kMaxLength = 2 ** 31 - 1;

export default { Buffer, SlowBuffer, kMaxLength };
