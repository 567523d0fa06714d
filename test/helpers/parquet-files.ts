/**
 * Test helper: writes small Parquet files with Parquet field ids (from Arrow field metadata
 * `PARQUET:field_id`) and a chosen row-group size, using parquet-wasm's writer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';

/** A column for {@link makeTable}: name, field id and values (an Arrow vector). */
export interface TestColumn {
  readonly name: string;
  readonly fieldId: number;
  readonly vector: arrow.Vector;
  readonly nullable?: boolean;
}

/** Builds an Arrow table whose fields carry `PARQUET:field_id` metadata. */
export function makeTable(columns: readonly TestColumn[]): arrow.Table {
  const fields = columns.map(
    (c) => new arrow.Field(c.name, c.vector.type, c.nullable ?? true, new Map([['PARQUET:field_id', String(c.fieldId)]])),
  );
  const schema = new arrow.Schema(fields);
  const length = columns[0]?.vector.length ?? 0;
  const data = arrow.makeData({
    type: new arrow.Struct(fields),
    length,
    nullCount: 0,
    children: columns.map((c) => c.vector.data[0]!),
  });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, data)]);
}

/**
 * Serialises `table` as Parquet with at most `rowGroupSize` rows per row group; `pageRows` makes
 * small data pages (about that many rows each) so tests can exercise page-level reads.
 */
export function toParquetBytes(table: arrow.Table, rowGroupSize: number, pageRows?: number): Uint8Array {
  let builder = new pw.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupSize);
  if (pageRows !== undefined) builder = builder.setWriteBatchSize(pageRows).setDataPageSizeLimit(pageRows * 8).setDictionaryEnabled(false);
  const props = builder.build();
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
}

/** A temporary directory removed by `cleanup()`. */
export interface TempDir {
  readonly path: string;
  /** Writes `bytes` to `name` inside the directory and returns the full path. */
  write(name: string, bytes: Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a temporary directory for test files. */
export async function makeTempDir(prefix = 'iceberg-rx-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(name, bytes) {
      const file = join(path, name);
      await writeFile(file, bytes);
      return file;
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

/** A table of `n` rows: `id` long (field 1) = start + i, `name` string (field 2) = `name-<id>`, `x` double (field 3) = id / 2. */
export function sequenceTable(n: number, start = 0): arrow.Table {
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i));
  return makeTable([
    { name: 'id', fieldId: 1, vector: arrow.makeVector(ids), nullable: false },
    { name: 'name', fieldId: 2, vector: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `name-${start + i}`), new arrow.Utf8()) },
    { name: 'x', fieldId: 3, vector: arrow.makeVector(Float64Array.from({ length: n }, (_, i) => (start + i) / 2)) },
  ]);
}
