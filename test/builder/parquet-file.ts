/**
 * Writes one Parquet file for the table builder with parquet-wasm (Arrow field metadata
 * `PARQUET:field_id` becomes Parquet field ids) and reads its footer back with hyparquet for the
 * manifest's column sizes and split offsets.
 */
import { writeFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { parquetMetadata } from 'hyparquet';
import type { NestedField } from '../../src/metadata/schema.ts';
import { arrowField, columnData } from './arrow-columns.ts';
import type { Canonical } from './values.ts';

/** A file column: the Iceberg field and how it is named/identified in the file. */
export interface ParquetColumn {
  readonly field: NestedField;
  readonly fileName?: string;
}

/** Options of {@link writeParquetFile}. */
export interface ParquetWriteOptions {
  readonly withoutFieldIds?: boolean;
  readonly rowGroupSize?: number;
  /** Rows per data page (small pages for page-index tests; dictionary encoding off then). */
  readonly pageRows?: number;
  readonly compression?: string;
  /** Key-value metadata for the footer (Java writes `iceberg.schema`). */
  readonly keyValue?: Readonly<Record<string, string>>;
}

/** What a written Parquet file looks like, as the manifest needs it. */
export interface ParquetWriteResult {
  readonly fileSizeInBytes: number;
  readonly recordCount: number;
  readonly rowGroups: number;
  /** Compressed bytes per leaf field id (fields with ids only). */
  readonly columnSizes: ReadonlyMap<number, number>;
  /** Start offset of each row group. */
  readonly splitOffsets: readonly number[];
}

const COMPRESSION: Record<string, pw.Compression> = {
  uncompressed: pw.Compression.UNCOMPRESSED,
  snappy: pw.Compression.SNAPPY,
  gzip: pw.Compression.GZIP,
  zstd: pw.Compression.ZSTD,
  lz4_raw: pw.Compression.LZ4_RAW,
  brotli: pw.Compression.BROTLI,
};

/**
 * Writes `batches` (each: one array of canonical values per column, same order as `columns`) to
 * `localPath` as one Parquet file.
 */
export function writeParquetFile(
  localPath: string,
  columns: readonly ParquetColumn[],
  batches: readonly (readonly ArrayLike<Canonical>[])[],
  options: ParquetWriteOptions = {},
): ParquetWriteResult {
  const fields = columns.map((c) => arrowField(c.field, { withoutFieldIds: options.withoutFieldIds, fileName: c.fileName }));
  const schema = new arrow.Schema(fields);
  const structType = new arrow.Struct(fields);
  let recordCount = 0;
  const recordBatches = batches.map((cols) => {
    const length = cols[0]?.length ?? 0;
    recordCount += length;
    const children = columns.map((c, i) => columnData(c.field.type, fields[i]!.type, cols[i]!));
    return new arrow.RecordBatch(schema, arrow.makeData({ type: structType, length, nullCount: 0, children }));
  });
  const table = recordBatches.length ? new arrow.Table(schema, recordBatches) : new arrow.Table(schema);
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(COMPRESSION[options.compression ?? 'zstd'] ?? pw.Compression.ZSTD)
    .setCreatedBy('iceberg-rx table builder');
  if (options.rowGroupSize) props = props.setMaxRowGroupSize(options.rowGroupSize);
  if (options.pageRows) props = props.setWriteBatchSize(options.pageRows).setDataPageSizeLimit(options.pageRows * 8).setDictionaryEnabled(false);
  if (options.keyValue) props = props.setKeyValueMetadata(new Map(Object.entries(options.keyValue)));
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props.build());
  writeFileSync(localPath, bytes);
  const footer = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const idByPath = leafFieldIds(footer.schema);
  const columnSizes = new Map<number, number>();
  const splitOffsets: number[] = [];
  for (const rg of footer.row_groups) {
    let start = Infinity;
    for (const chunk of rg.columns) {
      const md = chunk.meta_data;
      if (!md) continue;
      const id = idByPath.get(md.path_in_schema.join('.'));
      if (id !== undefined) columnSizes.set(id, (columnSizes.get(id) ?? 0) + Number(md.total_compressed_size));
      start = Math.min(start, Number(md.dictionary_page_offset ?? md.data_page_offset));
    }
    if (start !== Infinity) splitOffsets.push(start);
  }
  return { fileSizeInBytes: bytes.byteLength, recordCount, rowGroups: footer.row_groups.length, columnSizes, splitOffsets };
}

type SchemaElement = { name: string; num_children?: number; field_id?: number };

function leafFieldIds(schema: readonly SchemaElement[]): Map<string, number> {
  const out = new Map<string, number>();
  let i = 1;
  const walk = (path: string[]) => {
    const el = schema[i++]!;
    const p = [...path, el.name];
    if (el.num_children) for (let c = 0; c < el.num_children; c++) walk(p);
    else if (el.field_id !== undefined) out.set(p.join('.'), el.field_id);
  };
  while (i < schema.length) walk([]);
  return out;
}
