/**
 * Deletion vectors for the table builder: the `deletion-vector-v1` blob (length, magic, portable
 * 64-bit Roaring bitmap, CRC-32) and the Puffin file that holds the blobs.
 */
import { crc32 } from 'node:zlib';
import { IcebergScanError } from '../../src/errors.ts';

const PUFFIN_MAGIC = Uint8Array.of(0x50, 0x46, 0x41, 0x31);
const DV_MAGIC = Uint8Array.of(0xd1, 0xd3, 0x39, 0x64);
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

class Bytes {
  private readonly parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.push(b);
  }
  u32(v: number, little = true): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, little);
    this.push(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

type Container = { key: number; values: number[] };

function runsOf(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of values) {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] + 1 === v) last[1]++;
    else runs.push([v, 0]);
  }
  return runs;
}

/**
 * Serialises a 32-bit Roaring bitmap in the portable format. Each container takes its smallest
 * form (array, bitmap, or run when `useRuns`), as Java's `runOptimize` does.
 */
export function serializeRoaring32(sorted: readonly number[], useRuns = true): Uint8Array {
  const containers: Container[] = [];
  for (const v of sorted) {
    const key = v >>> 16;
    const last = containers[containers.length - 1];
    if (last && last.key === key) last.values.push(v & 0xffff);
    else containers.push({ key, values: [v & 0xffff] });
  }
  const kinds = containers.map((c) => {
    const runs = runsOf(c.values);
    const arrayBytes = c.values.length <= 4096 ? 2 * c.values.length : Infinity;
    const runBytes = useRuns ? 2 + 4 * runs.length : Infinity;
    if (runBytes < Math.min(arrayBytes, 8192)) return { kind: 'run' as const, runs };
    return { kind: c.values.length <= 4096 ? ('array' as const) : ('bitmap' as const), runs };
  });
  const hasRuns = kinds.some((k) => k.kind === 'run');
  const out = new Bytes();
  const n = containers.length;
  if (hasRuns) {
    out.u32(SERIAL_COOKIE | ((n - 1) << 16));
    const runBitmap = new Uint8Array((n + 7) >> 3);
    kinds.forEach((k, i) => {
      if (k.kind === 'run') runBitmap[i >> 3]! |= 1 << (i & 7);
    });
    out.push(runBitmap);
  } else {
    out.u32(SERIAL_COOKIE_NO_RUNCONTAINER);
    out.u32(n);
  }
  for (const c of containers) {
    out.u16(c.key);
    out.u16(c.values.length - 1);
  }
  const bodies = containers.map((c, i) => {
    const b = new Bytes();
    const k = kinds[i]!;
    if (k.kind === 'run') {
      b.u16(k.runs.length);
      for (const [start, len] of k.runs) {
        b.u16(start);
        b.u16(len);
      }
    } else if (k.kind === 'array') {
      for (const v of c.values) b.u16(v);
    } else {
      const words = new Uint8Array(8192);
      for (const v of c.values) words[v >> 3]! |= 1 << (v & 7);
      b.push(words);
    }
    return b.concat();
  });
  if (!hasRuns || n >= NO_OFFSET_THRESHOLD) {
    let offset = out.length + 4 * n;
    for (const body of bodies) {
      out.u32(offset);
      offset += body.length;
    }
  }
  for (const body of bodies) out.push(body);
  return out.concat();
}

/** The `deletion-vector-v1` blob of a set of row positions (64-bit Roaring, portable format). */
export function deletionVectorBlob(positions: readonly (number | bigint)[]): Uint8Array {
  const sorted = [...new Set(positions.map((p) => BigInt(p)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length && (sorted[0]! < 0n || sorted[sorted.length - 1]! >= 1n << 63n)) {
    throw new IcebergScanError('invalid_argument', 'table builder: deletion vector positions must be in [0, 2^63)');
  }
  const byKey = new Map<number, number[]>();
  for (const p of sorted) {
    const key = Number(p >> 32n);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(Number(p & 0xffffffffn));
  }
  const vector = new Bytes();
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(byKey.size), true);
  vector.push(DV_MAGIC);
  vector.push(count);
  for (const [key, values] of byKey) {
    vector.u32(key);
    vector.push(serializeRoaring32(values));
  }
  const body = vector.concat(); // magic + bitmap
  const out = new Bytes();
  out.u32(body.length, false);
  out.push(body);
  out.u32(crc32(body), false);
  return out.concat();
}

/** One blob of a Puffin file. */
export interface PuffinBlob {
  readonly type: string;
  readonly fields: readonly number[];
  readonly data: Uint8Array;
  readonly properties?: Readonly<Record<string, string>>;
}

/** A written Puffin file and where each blob landed. */
export interface PuffinFile {
  readonly bytes: Uint8Array;
  readonly blobs: readonly { offset: number; length: number }[];
  readonly footerSize: number;
}

/** Lays out a Puffin file: magic, blobs, footer (magic, JSON payload, size, flags, magic). */
export function puffinFile(blobs: readonly PuffinBlob[], properties: Readonly<Record<string, string>> = {}): PuffinFile {
  const out = new Bytes();
  out.push(PUFFIN_MAGIC);
  const placed = blobs.map((b) => {
    const at = { offset: out.length, length: b.data.length };
    out.push(b.data);
    return at;
  });
  const payload = new TextEncoder().encode(
    JSON.stringify({
      blobs: blobs.map((b, i) => ({
        type: b.type,
        fields: b.fields,
        'snapshot-id': -1,
        'sequence-number': -1,
        offset: placed[i]!.offset,
        length: placed[i]!.length,
        ...(b.properties ? { properties: b.properties } : {}),
      })),
      properties: { 'created-by': 'iceberg-rx table builder', ...properties },
    }),
  );
  const footerStart = out.length;
  out.push(PUFFIN_MAGIC);
  out.push(payload);
  out.u32(payload.length);
  out.u32(0);
  out.push(PUFFIN_MAGIC);
  return { bytes: out.concat(), blobs: placed, footerSize: out.length - footerStart };
}
