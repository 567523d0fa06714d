/**
 * Byte-level corruptions for the mutation test: a seeded PRNG, and mutations of one file's bytes
 * (truncation, bit flips, a cut slice, appended junk, a length field overwritten) chosen and
 * parameterised from that PRNG only, so a case number always means the same corruption.
 */
export { mulberry32 } from '../helpers/seeded-random.ts';

/** What kind of file a mutation hits (decides which length fields it knows). */
export type FileFormat = 'parquet' | 'puffin' | 'avro' | 'json';

/** The mutations, by name. */
export type MutationKind = 'truncate' | 'bit-flips' | 'cut-slice' | 'append-junk' | 'overwrite-length';

/** A mutation applied to some bytes: the new bytes and what was done, in words (for the log). */
export interface Mutated {
  readonly bytes: Uint8Array;
  readonly detail: string;
}

const int = (rng: () => number, n: number): number => Math.floor(rng() * n);

/**
 * Applies mutation `kind` to `bytes` (never in place). `overwrite-length` needs a format with a
 * length field (Parquet footer length, Puffin footer payload size, an Avro block's count or size);
 * for JSON it falls back to a bit flip.
 */
export function mutate(bytes: Uint8Array, format: FileFormat, kind: MutationKind, rng: () => number): Mutated {
  const size = bytes.length;
  switch (kind) {
    case 'truncate': {
      const at = int(rng, size);
      return { bytes: bytes.slice(0, at), detail: `truncated to ${at} of ${size} bytes` };
    }
    case 'bit-flips': {
      const out = bytes.slice();
      const k = 1 + int(rng, 8);
      const flips: string[] = [];
      for (let i = 0; i < k; i++) {
        const at = int(rng, size);
        const bit = int(rng, 8);
        out[at]! ^= 1 << bit;
        flips.push(`${at}.${bit}`);
      }
      return { bytes: out, detail: `${k} bit flips at byte.bit ${flips.join(' ')}` };
    }
    case 'cut-slice': {
      const from = int(rng, size);
      const length = 1 + int(rng, Math.max(1, Math.min(size - from, Math.ceil(size / 4))));
      const out = new Uint8Array(size - length);
      out.set(bytes.subarray(0, from), 0);
      out.set(bytes.subarray(from + length), from);
      return { bytes: out, detail: `cut [${from}, ${from + length}) of ${size} bytes` };
    }
    case 'append-junk': {
      const n = 1 + int(rng, 64);
      const out = new Uint8Array(size + n);
      out.set(bytes, 0);
      for (let i = size; i < out.length; i++) out[i] = int(rng, 256);
      return { bytes: out, detail: `appended ${n} random bytes to ${size}` };
    }
    case 'overwrite-length':
      return overwriteLength(bytes, format, rng);
  }
}

/** Overwrites the format's main length field with a wrong value. */
function overwriteLength(bytes: Uint8Array, format: FileFormat, rng: () => number): Mutated {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const size = bytes.length;
  if (format === 'parquet' || format === 'puffin') {
    // Parquet: footer length before the trailing PAR1; Puffin: footer payload size before flags and PFA1.
    const at = size - (format === 'parquet' ? 8 : 12);
    const old = view.getUint32(at, true);
    const value = wrongLength(old, size, rng);
    view.setUint32(at, value, true);
    return { bytes: out, detail: `${format} footer length at ${at}: ${old} → ${value}` };
  }
  if (format === 'avro') {
    const block = firstAvroBlock(bytes);
    const which = rng() < 0.5 ? 'count' : 'size';
    const field = block[which];
    const value = wrongLength(field.value, size, rng);
    const written = writeZigzag(out, field.at, field.bytes, value);
    return { bytes: out, detail: `avro first block ${which} at ${field.at}: ${field.value} → ${written}` };
  }
  return mutate(bytes, format, 'bit-flips', rng);
}

/** A plausible wrong length: 0, off by a little, the file size, or far too large. */
function wrongLength(old: number, fileSize: number, rng: () => number): number {
  const candidates = [0, 1, old - 1, old + 1, old + 1 + int(rng, 100), Math.max(0, old - 1 - int(rng, 100)), fileSize, fileSize * 2, 0x7fffffff, 0xffffffff];
  return candidates[int(rng, candidates.length)]! >>> 0;
}

/** A zigzag long of an Avro file: its value, where it starts and how many bytes it has. */
export interface AvroLong {
  readonly value: number;
  readonly at: number;
  readonly bytes: number;
}

function readZigzag(bytes: Uint8Array, at: number): AvroLong {
  let n = 0;
  let shift = 1;
  let i = at;
  for (;;) {
    const b = bytes[i++]!;
    n += (b & 0x7f) * shift;
    shift *= 128;
    if ((b & 0x80) === 0) break;
  }
  return { value: n % 2 === 0 ? n / 2 : -(n + 1) / 2, at, bytes: i - at };
}

/**
 * Writes `value` as a zigzag varint into exactly `length` bytes at `at` (padding with continuation
 * bytes, which decoders accept), clamped to what fits; returns the value written.
 */
export function writeZigzag(out: Uint8Array, at: number, length: number, value: number): number {
  const max = 2 ** (7 * length) - 1;
  let n = Math.min(max, value >= 0 ? value * 2 : -value * 2 - 1);
  const written = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  for (let i = 0; i < length; i++) {
    const last = i === length - 1;
    out[at + i] = (n % 128) | (last ? 0 : 0x80);
    n = Math.floor(n / 128);
  }
  return written;
}

/** The object count and byte size of an Avro container file's first data block. */
export function firstAvroBlock(bytes: Uint8Array): { count: AvroLong; size: AvroLong } {
  let at = 4; // "Obj" 0x01
  for (;;) {
    let count = readZigzag(bytes, at);
    at += count.bytes;
    if (count.value === 0) break;
    if (count.value < 0) {
      const blockSize = readZigzag(bytes, at);
      at += blockSize.bytes;
      count = { ...count, value: -count.value };
    }
    for (let i = 0; i < count.value * 2; i++) {
      const len = readZigzag(bytes, at);
      at += len.bytes + len.value; // key, then value: each a length-prefixed string or bytes
    }
  }
  at += 16; // sync marker
  const count = readZigzag(bytes, at);
  const size = readZigzag(bytes, at + count.bytes);
  return { count, size };
}
