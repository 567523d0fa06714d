/**
 * Test helper for the decoder layer: Parquet files written by parquet-wasm (`toParquetBytes`),
 * the decode jobs the reader would build for them (tail, projected column chunks as regions), the
 * rows of decoded batches in a comparable form, and a corruption that makes arrow-rs panic (so the
 * wasm instance really traps).
 */
import * as arrow from 'apache-arrow';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import type { DecodeJob } from '../../../../src/read/decoder/row-group-decoder.ts';
import { fileKeyOf } from '../../../../src/read/decoder/row-group-decoder.ts';
import type { ByteRegion, RowGroupRequest } from '../../../../src/read/decoder/wasm-decoder.ts';
import { chunkRange } from '../../../../src/read/row-group-plan.ts';
import { makeTable, toParquetBytes } from '../../../helpers/parquet-files.ts';

const fid = (id: number): Map<string, string> => new Map([['PARQUET:field_id', String(id)]]);

/**
 * One column of every Arrow type the writer and the decoder both handle, with nulls where the
 * type allows. `n` rows. Dictionary columns are left out (see the dictionary tests).
 */
export function everyTypeTable(n: number): arrow.Table {
  const idx = Array.from({ length: n }, (_, i) => i);
  const ts = (unit: arrow.TimeUnit, tz: string | null, scale: bigint) =>
    arrow.makeVector(arrow.makeData({ type: new arrow.Timestamp(unit, tz), length: n, data: BigInt64Array.from(idx, (i) => BigInt(i) * scale) }));
  const vectors: Record<string, arrow.Vector> = {
    i8: arrow.vectorFromArray(idx.map((i) => (i % 120) - 60), new arrow.Int8()),
    i16: arrow.vectorFromArray(idx.map((i) => (i * 97) % 30_000), new arrow.Int16()),
    i32: arrow.vectorFromArray(idx.map((i) => (i % 4 === 1 ? null : i * 1001)), new arrow.Int32()),
    i64: arrow.vectorFromArray(idx.map((i) => BigInt(i) * 10n ** 12n - 5n), new arrow.Int64()),
    u8: arrow.vectorFromArray(idx.map((i) => 200 + (i % 50)), new arrow.Uint8()),
    u32: arrow.vectorFromArray(idx.map((i) => 4e9 + i), new arrow.Uint32()),
    f32: arrow.vectorFromArray(idx.map((i) => i / 4), new arrow.Float32()),
    f64: arrow.vectorFromArray(idx.map((i) => (i % 11 === 3 ? null : i / 3)), new arrow.Float64()),
    bool: arrow.vectorFromArray(idx.map((i) => (i % 3 === 0 ? null : i % 2 === 0)), new arrow.Bool()),
    str: arrow.vectorFromArray(idx.map((i) => (i % 5 === 4 ? null : `s${'x'.repeat(i % 9)}é${i}`)), new arrow.Utf8()),
    large: arrow.vectorFromArray(idx.map((i) => (i % 7 === 0 ? null : `L${i}`)), new arrow.LargeUtf8()),
    bin: arrow.vectorFromArray(idx.map((i) => (i % 6 === 5 ? null : Uint8Array.of(i % 256, 255 - (i % 256)))), new arrow.Binary()),
    fsb: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i % 256, 0, (i * 7) % 256)), new arrow.FixedSizeBinary(3)),
    dec: arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: n, data: Uint32Array.from({ length: n * 4 }, (_, k) => (k % 4 === 0 ? k * 7 : 0)) })),
    date: arrow.vectorFromArray(idx.map((i) => new Date((i - 3) * 86_400_000)), new arrow.DateDay()),
    ts_us_utc: ts(arrow.TimeUnit.MICROSECOND, 'UTC', 1_000_001n),
    ts_ns: ts(arrow.TimeUnit.NANOSECOND, null, 1_000_000_007n),
    ts_ms_zone: ts(arrow.TimeUnit.MILLISECOND, '+01:00', 1000n),
    time: arrow.makeVector(arrow.makeData({ type: new arrow.TimeMicrosecond(), length: n, data: BigInt64Array.from(idx, (i) => BigInt(i) * 1000n) })),
    list: arrow.vectorFromArray(
      idx.map((i) => (i % 8 === 2 ? null : Array.from({ length: i % 3 }, (_, k) => i * 10 + k))),
      new arrow.List(new arrow.Field('element', new arrow.Int32(), true, fid(101))),
    ),
    st: arrow.vectorFromArray(
      idx.map((i) => (i % 9 === 5 ? null : { a: i, b: `b${i}` })),
      new arrow.Struct([new arrow.Field('a', new arrow.Int32(), true, fid(201)), new arrow.Field('b', new arrow.Utf8(), true, fid(202))]),
    ),
    map: arrow.vectorFromArray(
      idx.map((i) => new Map([[`k${i}`, i], [`j${i}`, -i]])),
      new arrow.Map_(new arrow.Field('entries', new arrow.Struct([
        new arrow.Field('key', new arrow.Utf8(), false, fid(301)), new arrow.Field('value', new arrow.Int32(), true, fid(302)),
      ]), false) as never),
    ),
  };
  return makeTable(Object.entries(vectors).map(([name, vector], i) => ({ name, fieldId: i + 1, vector })));
}

/** A Parquet file in memory with its parsed footer. */
export interface ParquetFixture {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly metadata: FileMetaData;
}

/** Writes `table` as Parquet (row groups of `rowGroupSize`, pages of about `pageRows`). */
export function parquetFixture(path: string, table: arrow.Table, rowGroupSize: number, pageRows?: number): ParquetFixture {
  const bytes = toParquetBytes(table, rowGroupSize, pageRows);
  return { path, bytes, metadata: parquetMetadata(bytes.slice().buffer) };
}

/** The fixture with `bytes` replaced, keeping path and parsed footer (for corruptions that leave the footer intact). */
export function withBytes(file: ParquetFixture, bytes: Uint8Array): ParquetFixture {
  return { path: file.path, bytes, metadata: file.metadata };
}

/** The tail the reader keeps: from the first page index (or the footer) to the end of the file. */
export function tailOf(file: ParquetFixture): ByteRegion {
  const { bytes, metadata } = file;
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  let start = bytes.length - 8 - footerLength;
  for (const rg of metadata.row_groups) {
    for (const c of rg.columns) {
      for (const off of [c.column_index_offset, c.offset_index_offset]) if (off !== undefined) start = Math.min(start, Number(off));
    }
  }
  return { start, bytes: bytes.slice(start) };
}

/** Leaf column count of the file. */
export function leafCount(file: ParquetFixture): number {
  return file.metadata.row_groups[0]!.columns.length;
}

/** Options of {@link requestOf} / {@link jobOf}. */
export interface JobOptions {
  /** Leaf columns (default: all). */
  readonly leaves?: readonly number[];
  readonly selection?: Uint32Array;
  readonly batchSize?: number;
}

/** What `WasmDecoder.openRowGroup` needs for row group `rowGroup`: each chunk as its own region. */
export function requestOf(file: ParquetFixture, rowGroup: number, options: JobOptions = {}): RowGroupRequest {
  const leaves = options.leaves ?? Array.from({ length: leafCount(file) }, (_, i) => i);
  const columns = file.metadata.row_groups[rowGroup]!.columns;
  const regions = leaves.map((leaf) => {
    const r = chunkRange(columns[leaf]!.meta_data)!;
    return { start: r.start, bytes: file.bytes.slice(r.start, r.end) };
  });
  return { rowGroup, leaves: Uint32Array.from(leaves), regions, selection: options.selection, batchSize: options.batchSize ?? 1024 };
}

/** The decode job the reader would build for row group `rowGroup` (fresh region buffers each call). */
export function jobOf(file: ParquetFixture, rowGroup: number, options: JobOptions & { onDecoded?: () => void } = {}): DecodeJob {
  const tail = tailOf(file);
  return {
    path: file.path,
    fileKey: fileKeyOf(file.path, file.bytes.length, tail.bytes),
    fileSize: file.bytes.length,
    tail,
    priority: rowGroup,
    ...requestOf(file, rowGroup, options),
    ...(options.onDecoded ? { onDecoded: options.onDecoded } : {}),
  };
}

/** Rows per row group of the file. */
export function rowGroupRows(file: ParquetFixture): number[] {
  return file.metadata.row_groups.map((rg) => Number(rg.num_rows));
}

/** A value as plain JSON-able data (bigints tagged, bytes and maps as arrays). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v instanceof Map ? [...v] : v)));
}

/** Values of column `name` across `batches`, in order, as plain data. */
export function columnOf(batches: readonly arrow.RecordBatch[], name: string): unknown[] {
  return batches.flatMap((b) => [...b.getChild(name)!].map((v) => plain((v as { toJSON?: () => unknown } | null)?.toJSON?.() ?? v)));
}

/** Rows of `batches` as plain objects. */
export function rowsOf(batches: readonly arrow.RecordBatch[]): unknown[] {
  return batches.flatMap((b) => b.toArray().map((r) => plain(r.toJSON())));
}

/** A field's shape: name, type text, nullability, metadata and children, recursively. */
export function shapeOf(field: arrow.Field): unknown {
  return [field.name, String(field.type), field.nullable, [...field.metadata], field.type.children?.map(shapeOf) ?? []];
}

/**
 * The shape a written field decodes to: the decoder reads dictionaries as their values and large
 * strings, binaries and lists with 32-bit offsets (the kinds arrow-js-ffi imports faithfully).
 */
export function decodedShapeOf(field: arrow.Field): unknown {
  const plain = (t: arrow.DataType): string => {
    if (arrow.DataType.isDictionary(t)) return plain(t.dictionary);
    if (t.typeId === arrow.Type.LargeUtf8) return 'Utf8';
    if (t.typeId === arrow.Type.LargeBinary) return 'Binary';
    return String(t);
  };
  const type = arrow.DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  return [field.name, plain(field.type), field.nullable, [...field.metadata], type.children?.map(decodedShapeOf) ?? []];
}

/** Drains an async iterator of batches. */
export async function drain(iterator: AsyncIterator<arrow.RecordBatch, undefined>): Promise<arrow.RecordBatch[]> {
  const out: arrow.RecordBatch[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) out.push(r.value);
  return out;
}

/**
 * A copy of the file whose first data page of column chunk (`rowGroup`, `leaf`) claims the
 * RLE_DICTIONARY encoding while the chunk has no dictionary page: arrow-rs 60 panics on it
 * ("unreachable" in the wasm build), which traps the decoder instance. The page header (thrift
 * compact) is walked to its `data_page_header.encoding` field, which must be PLAIN (0).
 */
export function withDictionaryEncodingClaimed(file: ParquetFixture, rowGroup: number, leaf: number): Uint8Array {
  const out = file.bytes.slice();
  const meta = file.metadata.row_groups[rowGroup]!.columns[leaf]!.meta_data!;
  if (meta.dictionary_page_offset !== undefined) throw new Error('the chunk has a dictionary page');
  let at = Number(meta.data_page_offset);
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = out[at++]!;
      n |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return n;
    }
  };
  // PageHeader: 1 type, 2 uncompressed size, 3 compressed size, [4 crc] (i32s), 5 data_page_header (struct)
  for (let field = 0; ; ) {
    const header = out[at++]!;
    field += header >> 4;
    const type = header & 0x0f;
    if (field === 5 && type === 12) break;
    if (type !== 5) throw new Error(`unexpected page header field ${field} of type ${type}`);
    varint();
  }
  // DataPageHeader: 1 num_values (i32), 2 encoding (i32)
  if (out[at++] !== 0x15) throw new Error('expected data_page_header.num_values');
  varint();
  if (out[at++] !== 0x15) throw new Error('expected data_page_header.encoding');
  if (out[at] !== 0) throw new Error(`the first page is not PLAIN (encoding byte ${out[at]})`);
  out[at] = 8 << 1; // zigzag(RLE_DICTIONARY = 8)
  return out;
}
