/**
 * Test helpers for projection: write Parquet with parquet-wasm, read its footer with hyparquet,
 * decode the planned columns and project them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { FileScanTask, type FileScanTaskInput } from '../../../src/task/file-scan-task.ts';
import type { ProjectionPlanner } from '../../../src/task/file-projection.ts';
import type { PartitionSpecLike } from '../../../src/projection/partition-type.ts';
import { schemaFromWire, SchemaWire, type Schema } from '../../../src/metadata/schema.ts';

/** Repo root (three levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The shared real tables. */
export const FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/iceberg');

/** Field metadata carrying a Parquet field id. */
export function fid(id: number): Map<string, string> {
  return new Map([['PARQUET:field_id', String(id)]]);
}

/** Writes an Arrow table (fields with PARQUET:field_id metadata become Parquet field ids). */
export function writeParquet(table: arrow.Table): Uint8Array {
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')));
}

/** A one-batch Arrow table from fields and column vectors. */
export function tableOf(fields: arrow.Field[], vectors: arrow.Vector[]): arrow.Table {
  const schema = new arrow.Schema(fields);
  const n = vectors[0]?.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: vectors.map((v) => v.data[0]) });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

/** The hyparquet footer of Parquet bytes. */
export function footerOf(bytes: Uint8Array): FileMetaData {
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Decodes `columns` with parquet-wasm into RecordBatches (none when no column is needed). */
export async function decodeBatches(bytes: Uint8Array, columns: readonly string[], batchSize?: number): Promise<arrow.RecordBatch[]> {
  if (!columns.length) return [];
  const file = await pw.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const wasm = await file.read({ columns: [...columns], ...(batchSize ? { batchSize } : {}) });
  return arrow.tableFromIPC(wasm.intoIPCStream()).batches;
}

/** Decodes `columns` into a single RecordBatch (tests use small files); undefined when no column is needed. */
export async function decode(bytes: Uint8Array, columns: readonly string[]): Promise<arrow.RecordBatch | undefined> {
  const batches = await decodeBatches(bytes, columns);
  if (!columns.length) return undefined;
  if (batches.length !== 1) throw new Error(`expected one decoded batch, got ${batches.length}`);
  return batches[0];
}

/** A task over a data file (defaults for everything not given). */
export function taskOf(partial: Partial<FileScanTaskInput['dataFile']> = {}): FileScanTask {
  return FileScanTask.parse({
    dataFile: { content: 'data', path: 'mem://file.parquet', format: 'parquet', recordCount: 0, fileSizeInBytes: 0, specId: 0, ...partial },
  });
}

/** Footer + decode + project of a whole file in one batch. */
export async function projectBytes(planner: ProjectionPlanner, bytes: Uint8Array, task: FileScanTask = taskOf(), firstRowPosition = 0): Promise<arrow.RecordBatch> {
  const footer = footerOf(bytes);
  const fp = planner.forFile(task, footer);
  const decoded = await decode(bytes, fp.columns);
  const rows = Number(footer.num_rows);
  return fp.project(decoded, firstRowPosition, rows);
}

/** Reads a fixture file's bytes. */
export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FIXTURES, relative)));
}

/** Rows as plain JSON-able objects (bigint → string, typed arrays → arrays). */
export function rowsOf(batch: arrow.RecordBatch | arrow.Table): unknown[] {
  const t = batch instanceof arrow.Table ? batch : new arrow.Table([batch]);
  return JSON.parse(JSON.stringify(t.toArray().map((r) => r?.toJSON()), (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v));
}

/** One column's values as plain JSON-able values. */
export function columnOf(batch: arrow.RecordBatch, name: string): unknown[] {
  return rowsOf(batch).map((r) => (r as Record<string, unknown>)[name]);
}

/** A fixture table's metadata JSON (read directly: tests do not depend on the metadata module). */
export function fixtureMetadata(relative: string): Record<string, any> {
  return JSON.parse(readFileSync(resolve(FIXTURES, relative), 'utf8'));
}

/** The current schema (or schema `id`) of table metadata JSON. */
export function schemaOfMetadata(md: Record<string, any>, id?: number): Schema {
  const wire = md.schemas ? md.schemas.find((s: any) => s['schema-id'] === (id ?? md['current-schema-id'])) : md.schema;
  return schemaFromWire(SchemaWire.parse(wire));
}

/** Every schema of table metadata JSON. */
export function allSchemasOfMetadata(md: Record<string, any>): Schema[] {
  return (md.schemas ?? [md.schema]).map((w: unknown) => schemaFromWire(SchemaWire.parse(w)));
}

/** The partition specs of table metadata JSON in the planner's shape. */
export function specsOfMetadata(md: Record<string, any>): PartitionSpecLike[] {
  const specs = md['partition-specs'] ?? [{ 'spec-id': 0, fields: md['partition-spec'] ?? [] }];
  return specs.map((s: any) => ({
    specId: s['spec-id'],
    fields: s.fields.map((f: any) => ({ sourceId: f['source-id'], fieldId: f['field-id'], name: f.name, transform: f.transform })),
  }));
}
