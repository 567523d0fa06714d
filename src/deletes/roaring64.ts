/**
 * Decoder of the "portable" 64-bit Roaring bitmap serialisation (the vector inside a
 * `deletion-vector-v1` blob) into a {@link PositionSet}.
 *
 * Layout (all little-endian): u64 bucket count; per bucket, ascending by key, a u32 key (the high 32
 * bits of every position in it) followed by a 32-bit Roaring bitmap in the standard portable format:
 * a cookie (12346 = no run containers, followed by a u32 container count; or 12347 in the low 16 bits
 * with `count - 1` in the high 16 bits, followed by a run-flag bitset), per container a u16 key and
 * a u16 `cardinality - 1`, a u32 offset per container (always without runs, with runs only when there
 * are >= 4 containers), then the containers: run (u16 run count, then u16 start / u16 length-1 pairs),
 * bitmap (cardinality > 4096: 1024 u64 words) or array (u16 values).
 */
import { IcebergScanError } from '../errors.ts';
import { PositionSet } from './position-set.ts';

const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;

/**
 * Decodes a portable roaring64 bitmap. Positions must be below 2^53 (the most significant bit of a
 * position is 0 by the spec; larger ones cannot address a row of a real file).
 *
 * @param bytes The serialised bitmap (exactly, no trailing bytes).
 * @param path The delete file, named in errors.
 * @returns The positions.
 * @throws IcebergScanError `data_invalid` on any structural error (truncation, unordered keys,
 *   bad cookie, container overrun, trailing bytes).
 */
export function decodeRoaring64(bytes: Uint8Array, path: string): PositionSet {
  const r = new Reader(bytes, path);
  const buckets = r.u64();
  if (buckets > bytes.length) throw r.fail(`bucket count ${buckets} exceeds the blob`);
  const positions: Float64Array[] = [];
  let lastKey = -1;
  for (let b = 0; b < buckets; b++) {
    const key = r.u32();
    if (key <= lastKey) throw r.fail(`bucket keys not ascending (${key} after ${lastKey})`);
    if (key >= 2 ** 21) throw r.fail(`position bucket ${key} is beyond 2^53`);
    lastKey = key;
    const bucket = decodeRoaring32(r, key * 2 ** 32);
    positions.push(bucket);
  }
  if (r.offset !== bytes.length) throw r.fail(`${bytes.length - r.offset} trailing bytes after the bitmap`);
  return PositionSet.fromSortedChunks(positions);
}

/** Decodes one 32-bit portable Roaring bitmap, returning ascending positions `high + low`. */
function decodeRoaring32(r: Reader, high: number): Float64Array {
  const cookie = r.u32();
  let count: number;
  let runFlags: Uint8Array | undefined;
  if (cookie === SERIAL_COOKIE_NO_RUN) {
    count = r.u32();
  } else if ((cookie & 0xffff) === SERIAL_COOKIE) {
    count = (cookie >>> 16) + 1;
    runFlags = r.bytes(Math.ceil(count / 8));
  } else {
    throw r.fail(`bad roaring cookie ${cookie}`);
  }
  if (count > 65536) throw r.fail(`container count ${count} exceeds 65536`);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(r.u16());
    cards.push(r.u16() + 1);
    if (i > 0 && keys[i]! <= keys[i - 1]!) throw r.fail('container keys not ascending');
  }
  if (runFlags === undefined || count >= NO_OFFSET_THRESHOLD) r.bytes(4 * count); // offsets: containers follow in order
  let cardinality = 0;
  for (const c of cards) cardinality += c;
  const out = new Float64Array(cardinality);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const base = high + keys[i]! * 65536;
    const isRun = runFlags !== undefined && (runFlags[i >>> 3]! & (1 << (i & 7))) !== 0;
    const before = n;
    if (isRun) {
      const runs = r.u16();
      let prevEnd = -1;
      for (let k = 0; k < runs; k++) {
        const s = r.u16();
        const len = r.u16();
        if (s <= prevEnd || s + len > 65535) throw r.fail('run container runs overlap or overflow');
        if (n + len + 1 > before + cards[i]!) throw r.fail(`run container ${i} holds more values than its header says`);
        for (let v = s; v <= s + len; v++) out[n++] = base + v;
        prevEnd = s + len;
      }
    } else if (cards[i]! > ARRAY_MAX) {
      const words = r.bytes(8192);
      for (let w = 0; w < 2048; w++) {
        let word = words[w * 4]! | (words[w * 4 + 1]! << 8) | (words[w * 4 + 2]! << 16) | (words[w * 4 + 3]! << 24);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          if (n === before + cards[i]!) throw r.fail(`bitmap container ${i} holds more values than its header says`);
          out[n++] = base + w * 32 + bit;
          word &= word - 1;
        }
      }
    } else {
      let prev = -1;
      for (let k = 0; k < cards[i]!; k++) {
        const v = r.u16();
        if (v <= prev) throw r.fail('array container values not ascending');
        out[n++] = base + v;
        prev = v;
      }
    }
    if (n - before !== cards[i]) throw r.fail(`container ${i} holds ${n - before} values, header says ${cards[i]}`);
  }
  return out;
}

/** A bounds-checked little-endian cursor. */
class Reader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly path: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`count ${v} is too large`);
    return Number(v);
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  fail(message: string): IcebergScanError {
    return new IcebergScanError('data_invalid', `deletion vector: ${message} at byte ${this.offset}`, {
      path: this.path,
      expected: 'a portable roaring64 bitmap',
    });
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw this.fail(`truncated (needs ${n} more bytes)`);
  }
}
