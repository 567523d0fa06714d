/**
 * Data files for the table builder: a description's rows, columns or generated batches become
 * canonical columns, one Parquet file, its metrics and its partition tuple.
 */
import type { NestedField, Schema } from '../../src/metadata/schema.ts';
import { currentSchema, dataFilePaths, descriptionError, specById, type BuilderState, type FileRecord } from './builder-state.ts';
import { MetricsCollector, type FileMetrics, type MetricsLevel } from './metrics.ts';
import { writeParquetFile } from './parquet-file.ts';
import { partitionFromInput, partitionJson, partitionOfColumns, partitionPath } from './partitioning.ts';
import { findFieldById, schemaToWire } from '../../src/metadata/schema.ts';
import type { ColumnsInput, DataFileInput } from './table-description.ts';
import { toBinary, toCanonical, type Canonical } from './values.ts';

/** A written file before a snapshot assigns its sequence number, snapshot id and row ids. */
export type WrittenFile = Omit<FileRecord, 'sequenceNumber' | 'snapshotId' | 'firstRowId'>;

const TYPED: Record<string, (v: unknown) => boolean> = {
  int: (v) => v instanceof Int32Array,
  date: (v) => v instanceof Int32Array,
  float: (v) => v instanceof Float32Array,
  double: (v) => v instanceof Float64Array,
  long: (v) => v instanceof BigInt64Array,
  time: (v) => v instanceof BigInt64Array,
  timestamp: (v) => v instanceof BigInt64Array,
  timestamptz: (v) => v instanceof BigInt64Array,
  timestamp_ns: (v) => v instanceof BigInt64Array,
  timestamptz_ns: (v) => v instanceof BigInt64Array,
};

function writeDefaultOf(field: NestedField): unknown {
  return field.writeDefault === undefined ? undefined : field.writeDefault;
}

/** Canonical columns (in `fields` order) from columns given by name. */
export function canonicalColumns(fields: readonly NestedField[], input: ColumnsInput, fileName: string): ArrayLike<Canonical>[] {
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(input)) if (!known.has(k)) throw descriptionError(`${fileName}: unknown column ${k}`);
  const length = Math.max(0, ...Object.values(input).map((c) => c.length));
  return fields.map((f) => {
    const col = input[f.name];
    if (col && col.length !== length) throw descriptionError(`${fileName}: column ${f.name} has ${col.length} values, expected ${length}`);
    if (col && typeof f.type === 'string' && TYPED[f.type]?.(col)) return col as ArrayLike<Canonical>;
    const out = new Array<Canonical>(length);
    const def = writeDefaultOf(f);
    for (let i = 0; i < length; i++) {
      const raw = col ? col[i] : undefined;
      const v = toCanonical(f.type, raw === undefined ? def : raw);
      if (v === null && f.required) throw descriptionError(`${fileName}: required column ${f.name} is null in row ${i}`);
      out[i] = v;
    }
    return out;
  });
}

/** Columns by name from row objects. */
export function rowsToColumns(rows: readonly Readonly<Record<string, unknown>>[], names: readonly string[]): Record<string, unknown[]> {
  const known = new Set(names);
  const out: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, new Array(rows.length)]));
  rows.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      if (!known.has(k)) throw descriptionError(`unknown column ${k} in row ${i}`);
      out[k]![i] = v;
    }
  });
  return out;
}

function regenerate(fields: readonly NestedField[], gen: NonNullable<DataFileInput['generate']>, name: string): ArrayLike<Canonical>[][] {
  return Array.from({ length: gen.batches }, (_, b) => canonicalColumns(fields, gen.batch(b), name));
}

/** Reserved field ids of the v3 row-lineage columns. */
export const ROW_ID_FIELD: NestedField = { id: 2147483540, name: '_row_id', required: false, type: 'long' };
export const LAST_UPDATED_FIELD: NestedField = { id: 2147483539, name: '_last_updated_sequence_number', required: false, type: 'long' };

function lineageColumns(input: DataFileInput, batches: readonly ArrayLike<Canonical>[][], name: string): { fields: NestedField[]; columns: ArrayLike<Canonical>[] } {
  const given = input.rowLineage;
  if (!given) return { fields: [], columns: [] };
  if (batches.length !== 1) throw descriptionError(`${name}: rowLineage needs rows or columns, not generated batches`);
  const n = batches[0]![0]?.length ?? 0;
  const fields: NestedField[] = [];
  const columns: ArrayLike<Canonical>[] = [];
  for (const [field, values] of [
    [ROW_ID_FIELD, given.rowIds],
    [LAST_UPDATED_FIELD, given.lastUpdatedSequenceNumbers],
  ] as const) {
    if (!values) continue;
    if (values.length !== n) throw descriptionError(`${name}: ${field.name} has ${values.length} values, expected ${n}`);
    fields.push(field);
    columns.push(Array.from(values, (v) => toCanonical('long', v)));
  }
  return { fields, columns };
}

/** `computed` with the fields of `override` replaced (see `DataFileInput.metricsOverride`). */
function overrideMetrics(computed: FileMetrics, override: DataFileInput['metricsOverride'], schema: Schema, name: string): FileMetrics {
  if (!override) return computed;
  for (const [key, m] of Object.entries(override)) {
    const id = Number(key);
    for (const map of Object.values(computed) as Map<number, unknown>[]) map.delete(id);
    if (!m) continue;
    if (m.valueCount !== undefined) computed.valueCounts.set(id, m.valueCount);
    if (m.nullCount !== undefined) computed.nullValueCounts.set(id, m.nullCount);
    if (m.nanCount !== undefined) computed.nanValueCounts.set(id, m.nanCount);
    const type = m.boundType ?? findFieldById(schema, id)?.type;
    if ((m.lower !== undefined || m.upper !== undefined) && typeof type !== 'string') {
      throw descriptionError(`${name}: metricsOverride of field ${id} needs a primitive boundType`);
    }
    if (m.lower !== undefined) computed.lowerBounds.set(id, toBinary(type!, toCanonical(type!, m.lower)));
    if (m.upper !== undefined) computed.upperBounds.set(id, toBinary(type!, toCanonical(type!, m.upper)));
  }
  return computed;
}

/** Writes a data file described by `input` under the table's current schema. */
export function writeDataFile(state: BuilderState, input: DataFileInput, name: string, compression: string, metricsLevel: MetricsLevel): WrittenFile {
  const schema: Schema = currentSchema(state);
  const omitted = new Set(input.omitColumns ?? []);
  const fields = schema.fields.filter((f) => !omitted.has(f.name));
  const spec = specById(state, input.specId ?? state.defaultSpecId);
  const sources = [input.rows, input.columns, input.generate].filter((x) => x !== undefined).length;
  if (sources !== 1) throw descriptionError(`data file ${name}: give exactly one of rows, columns, generate`);

  const batches: ArrayLike<Canonical>[][] = [];
  const metrics = new MetricsCollector(fields);
  let partition: Canonical[] | undefined = input.partition ? partitionFromInput(spec, input.partition) : undefined;
  const explicitPartition = partition !== undefined;
  const addBatch = (cols: ColumnsInput) => {
    const canon = canonicalColumns(fields, cols, name);
    batches.push(canon);
    metrics.add(canon);
    if (!explicitPartition) {
      const full = schema.fields.map((f) => canon[fields.indexOf(f)] ?? new Array(canon[0]?.length ?? 0).fill(null));
      partition = partitionOfColumns(schema, spec, full, partition, name);
    }
  };
  let rows: Record<string, unknown>[] | undefined;
  if (input.rows) {
    rows = input.rows.map((r) => ({ ...r }));
    addBatch(rowsToColumns(input.rows, fields.map((f) => f.name)));
  } else if (input.columns) {
    addBatch(input.columns);
  } else {
    for (let b = 0; b < input.generate!.batches; b++) addBatch(input.generate!.batch(b));
  }
  if (!partition) {
    if (spec.fields.length) throw descriptionError(`data file ${name} has no rows: give its 'partition'`);
    partition = [];
  }
  const { path, localPath } = dataFilePaths(state, partitionPath(spec, partition), `${name}.parquet`);
  const fileNames = input.fileColumnNames ?? {};
  if (input.withoutFieldIds) state.anyFileWithoutIds = true;
  for (const [col, alias] of Object.entries(fileNames)) {
    const f = fields.find((x) => x.name === col);
    if (!f) throw descriptionError(`${name}: fileColumnNames names unknown column ${col}`);
    if (!state.aliases.has(f.id)) state.aliases.set(f.id, new Set());
    state.aliases.get(f.id)!.add(alias);
  }
  const lineage = lineageColumns(input, batches, name);
  const written = writeParquetFile(
    localPath,
    [...fields.map((field) => ({ field, fileName: fileNames[field.name] })), ...lineage.fields.map((field) => ({ field }))],
    lineage.fields.length ? [[...batches[0]!, ...lineage.columns]] : batches,
    {
      withoutFieldIds: input.withoutFieldIds,
      rowGroupSize: input.rowGroupSize,
      pageRows: input.pageRows,
      compression,
      keyValue: input.withoutFieldIds ? undefined : { 'iceberg.schema': JSON.stringify(schemaToWire(schema)) },
    },
  );
  return {
    name,
    content: 'data',
    contentCode: 0,
    path,
    localPath,
    format: 'parquet',
    recordCount: written.recordCount,
    fileSizeInBytes: written.fileSizeInBytes,
    specId: spec.specId,
    partition: partitionJson(spec, partition),
    partitionValues: partition,
    metrics: overrideMetrics(metrics.result(metricsLevel), input.metricsOverride, schema, name),
    columnSizes: metricsLevel === 'none' || input.withoutFieldIds ? new Map() : written.columnSizes,
    splitOffsets: written.splitOffsets,
    explicitSequenceNumber: input.sequenceNumber,
    rowGroups: written.rowGroups,
    rows,
    schemaId: schema.schemaId,
    fileFields: fields,
    loadColumns: input.generate ? () => regenerate(fields, input.generate!, name) : () => batches,
  };
}
