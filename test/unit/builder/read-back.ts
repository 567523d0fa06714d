/**
 * Test helper: reads what the table builder wrote back through independent readers (avsc for Avro
 * containers, hyparquet for Parquet footers) and a small portable-Roaring decoder for DV blobs.
 */
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { BigIntLongType } from '../../../src/metadata/avro-long.ts';
import { parquetMetadata, type FileMetaData } from 'hyparquet';

/** Header metadata (as strings), schema and records of an Avro container file; longs as bigint. */
export async function readAvro(path: string): Promise<{ meta: Record<string, string>; schema: unknown; records: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const meta: Record<string, string> = {};
    const records: Record<string, unknown>[] = [];
    let schema: unknown;
    const decoder = avsc.createFileDecoder(path, {
      parseHook: (s: unknown) => avsc.Type.forSchema(s as avsc.Schema, { registry: { long: BigIntLongType } as never }),
    } as never);
    decoder.on('metadata', (_type: unknown, _codec: string, header: { meta: Record<string, Buffer> }) => {
      for (const [k, v] of Object.entries(header.meta)) meta[k] = v.toString('utf8');
      schema = JSON.parse(meta['avro.schema']!);
    });
    decoder.on('data', (r: Record<string, unknown>) => records.push(r));
    decoder.on('error', reject);
    decoder.on('end', () => resolve({ meta, schema, records }));
  });
}

/** The Parquet footer of a local file. */
export function parquetFooter(path: string): FileMetaData {
  const b = readFileSync(path);
  return parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

/** Positions of a 32-bit portable Roaring bitmap at `view[at...]`; returns them and the end offset. */
function readRoaring32(view: DataView, at: number): { values: number[]; end: number } {
  const cookie = view.getUint32(at, true);
  let p = at + 4;
  let n: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === 12347) {
    n = (cookie >>> 16) + 1;
    runFlags = new Uint8Array(view.buffer, view.byteOffset + p, (n + 7) >> 3);
    p += (n + 7) >> 3;
  } else if (cookie === 12346) {
    n = view.getUint32(p, true);
    p += 4;
  } else throw new Error(`bad roaring cookie ${cookie}`);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(view.getUint16(p, true));
    cards.push(view.getUint16(p + 2, true) + 1);
    p += 4;
  }
  if (!runFlags || n >= 4) p += 4 * n; // offset header
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const high = keys[i]! << 16;
    if (runFlags && runFlags[i >> 3]! & (1 << (i & 7))) {
      const runs = view.getUint16(p, true);
      p += 2;
      for (let r = 0; r < runs; r++) {
        const start = view.getUint16(p, true);
        const len = view.getUint16(p + 2, true);
        p += 4;
        for (let v = start; v <= start + len; v++) values.push((high | v) >>> 0);
      }
    } else if (cards[i]! <= 4096) {
      for (let c = 0; c < cards[i]!; c++, p += 2) values.push((high | view.getUint16(p, true)) >>> 0);
    } else {
      for (let w = 0; w < 8192; w++) {
        const byte = view.getUint8(p + w);
        for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) values.push((high | (w * 8 + bit)) >>> 0);
      }
      p += 8192;
    }
  }
  return { values, end: p };
}

/** Decodes a `deletion-vector-v1` blob: checks length and magic, returns positions and the CRC fields. */
export function decodeDeletionVector(blob: Uint8Array): { positions: bigint[]; storedCrc: number; body: Uint8Array } {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.getUint32(0, false);
  if (length !== blob.length - 8) throw new Error(`dv length ${length} vs blob ${blob.length}`);
  if (view.getUint32(4, false) !== 0xd1d33964) throw new Error('bad dv magic');
  const count = Number(view.getBigUint64(8, true));
  let p = 16;
  const positions: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const key = BigInt(view.getUint32(p, true));
    const r = readRoaring32(view, p + 4);
    for (const v of r.values) positions.push((key << 32n) | BigInt(v));
    p = r.end;
  }
  if (p !== 4 + length) throw new Error(`dv bitmap ends at ${p}, expected ${4 + length}`);
  return { positions, storedCrc: view.getUint32(4 + length, false), body: blob.subarray(4, 4 + length) };
}

/** Parses a Puffin file's footer (uncompressed payload) and checks both magics. */
export function puffinFooter(bytes: Uint8Array): { blobs: Record<string, unknown>[]; properties?: Record<string, string> } {
  const magic = [0x50, 0x46, 0x41, 0x31];
  const at = (o: number) => Array.from(bytes.subarray(o, o + 4));
  if (JSON.stringify(at(0)) !== JSON.stringify(magic) || JSON.stringify(at(bytes.length - 4)) !== JSON.stringify(magic)) throw new Error('bad puffin magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(bytes.length - 8, true);
  if (flags !== 0) throw new Error('compressed puffin footer');
  const size = view.getInt32(bytes.length - 12, true);
  const start = bytes.length - 12 - size;
  if (JSON.stringify(at(start - 4)) !== JSON.stringify(magic)) throw new Error('bad footer magic');
  return JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + size)));
}
