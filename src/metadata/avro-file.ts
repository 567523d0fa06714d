/**
 * Avro object container files (manifest lists and manifests) decoded with avsc: header, `null` and
 * `deflate` codecs, blocks; longs stay exact (numbers when safe, bigints otherwise).
 */
import avro from 'avsc';
import { inflateRawSync } from 'node:zlib';
import { IcebergScanError } from '../errors.ts';

/** A long decoded exactly: a number when within ±(2^53-1), a bigint otherwise. */
export type ExactLong = number | bigint;

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1

/** avsc long type that never loses precision. */
const ExactLongType = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): ExactLong => {
    const n = buf.readBigInt64LE();
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  },
  toBuffer: (n: ExactLong): Buffer => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: unknown): ExactLong => (typeof v === 'bigint' ? v : Number(v)),
  toJSON: (n: ExactLong): unknown => (typeof n === 'bigint' ? n.toString() : n),
  isValid: (n: unknown): boolean => typeof n === 'number' || typeof n === 'bigint',
  compare: (a: ExactLong, b: ExactLong): number => (a < b ? -1 : a > b ? 1 : 0),
});

/** The header of an Avro object container file (magic, metadata map, sync marker). */
export const avroHeaderType = avro.Type.forSchema({
  type: 'record',
  name: 'AvroHeader',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'AvroMagic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'AvroSync', size: 16 } },
  ],
});
const longType = avro.Type.forSchema('long', { registry: { long: ExactLongType } } as never);

/** A decoded container file. */
export interface AvroFile {
  /** The writer schema (parsed `avro.schema`). */
  readonly schema: unknown;
  /** Header metadata other than the schema, as UTF-8 text (`format-version`, `partition-spec`...). */
  readonly meta: Readonly<Record<string, string>>;
  /** The records, decoded with the writer schema (unions unwrapped, logical types ignored). */
  readonly records: readonly Record<string, unknown>[];
}

/**
 * Decodes a whole Avro object container file. Throws `IcebergScanError('data_invalid')` naming
 * `path` for a bad header, an unknown codec or a truncated block, and `feature_unsupported` for
 * codecs other than `null` and `deflate`.
 *
 * @param bytes The file's bytes.
 * @param path The file's location, for errors.
 */
export function decodeAvroFile(bytes: Uint8Array, path: string): AvroFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string, cause?: unknown) =>
    new IcebergScanError('data_invalid', `avro: ${what}`, { path, expected: 'an Avro object container file', cause });
  if (buf.length < 4 || MAGIC.some((b, i) => buf[i] !== b)) throw bad('bad magic bytes');

  let header: { value: { meta: Record<string, Buffer>; sync: Buffer }; offset: number };
  try {
    header = avroHeaderType.decode(buf, 0) as typeof header;
  } catch (error) {
    throw bad('cannot decode the header', error);
  }
  if (header.offset < 0) throw bad('truncated header');
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(header.value.meta)) meta[k] = v.toString('utf8');
  const codec = meta['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') {
    throw new IcebergScanError('feature_unsupported', `avro: codec ${codec}`, { path, expected: 'codec null or deflate' });
  }
  let schema: unknown;
  let type: avro.Type;
  try {
    schema = JSON.parse(meta['avro.schema'] ?? '');
    type = avro.Type.forSchema(schema as avro.Schema, {
      registry: { long: ExactLongType },
      // `{"type": "long"}` objects bypass the registry: route them to the exact type too.
      typeHook: (s: unknown) =>
        s !== null && typeof s === 'object' && (s as { type?: unknown }).type === 'long' ? ExactLongType : undefined,
      wrapUnions: false,
      noAnonymousTypes: false,
    } as never);
  } catch (error) {
    throw bad(`unusable writer schema (${(error as Error).message})`, error);
  }
  delete meta['avro.schema'];
  delete meta['avro.codec'];

  const sync = header.value.sync;
  const records: Record<string, unknown>[] = [];
  let pos = header.offset;
  while (pos < buf.length) {
    const count = readLong(buf, pos, bad);
    const size = readLong(buf, count.offset, bad);
    const start = size.offset;
    const end = start + Number(size.value);
    if (Number(size.value) < 0 || end + 16 > buf.length) throw bad(`truncated block at byte ${pos}`);
    let block = buf.subarray(start, end);
    if (codec === 'deflate') {
      try {
        block = inflateRawSync(block);
      } catch (error) {
        throw bad(`cannot inflate block at byte ${pos}`, error);
      }
    }
    const objects = Number(count.value);
    // A block's count is trusted by nothing else: a corrupt one must not silently drop records.
    if (!(objects >= 0) || (objects === 0 && block.length > 0)) throw bad(`block at byte ${pos} claims ${count.value} objects in ${block.length} bytes`);
    let offset = 0;
    for (let i = 0; i < objects; i++) {
      let r: { value: unknown; offset: number };
      try {
        r = type.decode(block, offset) as { value: unknown; offset: number };
      } catch (error) {
        throw bad(`cannot decode record ${records.length} (${(error as Error).message})`, error);
      }
      if (r.offset < 0) throw bad(`record ${records.length} runs past its block`);
      records.push(r.value as Record<string, unknown>);
      offset = r.offset;
    }
    if (offset !== block.length) {
      throw bad(`block at byte ${pos} holds ${block.length - offset} bytes after its ${objects} objects`);
    }
    if (!buf.subarray(end, end + 16).equals(sync)) throw bad(`sync marker mismatch after block at byte ${pos}`);
    pos = end + 16;
  }
  return { schema, meta, records };
}

function readLong(
  buf: Buffer,
  pos: number,
  bad: (what: string) => IcebergScanError,
): { value: ExactLong; offset: number } {
  const r = longType.decode(buf, pos) as { value: ExactLong; offset: number };
  if (r.offset < 0) throw bad(`truncated block header at byte ${pos}`);
  return r;
}
