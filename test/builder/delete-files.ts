/**
 * Delete files for the table builder: position delete files (`file_path`, `pos` with the reserved
 * field ids), equality delete files and deletion vectors in one Puffin file per step.
 */
import { writeFileSync } from 'node:fs';
import type { NestedField } from '../../src/metadata/schema.ts';
import { currentSchema, dataFilePaths, descriptionError, specById, type BuilderState, type FileRecord } from './builder-state.ts';
import { canonicalColumns, rowsToColumns, type WrittenFile } from './data-files.ts';
import { MetricsCollector, type MetricsLevel } from './metrics.ts';
import { writeParquetFile } from './parquet-file.ts';
import { partitionFromInput, partitionJson, partitionOfColumns, partitionPath } from './partitioning.ts';
import { deletionVectorBlob, puffinFile } from './puffin-file.ts';
import type { DeletionVectorInput, EqualityDeleteInput, PositionDeleteInput } from './table-description.ts';
import type { Canonical } from './values.ts';

/** Reserved field id of `file_path` in position delete files. */
export const FILE_PATH_ID = 2147483546;
/** Reserved field id of `pos` in position delete files (also the `fields` of DV blobs). */
export const POS_ID = 2147483545;

const FILE_PATH: NestedField = { id: FILE_PATH_ID, name: 'file_path', required: true, type: 'string' };
const POS: NestedField = { id: POS_ID, name: 'pos', required: true, type: 'long' };

/** The live data file a delete names (throws for unknown or non-data files). */
function dataFileNamed(state: BuilderState, name: string, live: ReadonlySet<string>): FileRecord {
  const f = state.files.get(name);
  if (!f || f.content !== 'data') throw descriptionError(`no data file named ${name}`);
  if (!live.has(name)) throw descriptionError(`data file ${name} is not live in this branch`);
  return f;
}

function partitionOfTargets(state: BuilderState, targets: readonly FileRecord[], input: { specId?: number; partition?: Readonly<Record<string, unknown>> }, name: string) {
  if (input.partition || input.specId !== undefined) {
    const spec = specById(state, input.specId ?? targets[0]?.specId ?? state.defaultSpecId);
    return { spec, values: input.partition ? partitionFromInput(spec, input.partition) : (targets[0]?.partitionValues ?? []) };
  }
  const first = targets[0]!;
  for (const t of targets) {
    if (t.specId !== first.specId || JSON.stringify(t.partition) !== JSON.stringify(first.partition)) {
      throw descriptionError(`${name}: targets span several partitions; give 'partition' and 'specId'`);
    }
  }
  return { spec: specById(state, first.specId), values: first.partitionValues };
}

/** Writes a position delete file (rows sorted by file path, then position). */
export function writePositionDeletes(state: BuilderState, input: PositionDeleteInput, name: string, live: ReadonlySet<string>, compression: string, metricsLevel: MetricsLevel): WrittenFile {
  if (state.formatVersion < 2) throw descriptionError('position deletes need format version 2');
  if (state.formatVersion >= 3) throw descriptionError('v3 tables take deletion vectors, not new position delete files');
  const targets = Object.keys(input.positions).map((n) => dataFileNamed(state, n, live));
  if (!targets.length) throw descriptionError(`${name}: no positions`);
  const { spec, values } = partitionOfTargets(state, targets, input, name);
  const pairs: [string, bigint][] = [];
  const deleted = new Map<string, bigint[]>();
  for (const t of targets) {
    const ps = [...new Set(input.positions[t.name]!.map((p) => BigInt(p)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    deleted.set(t.name, ps);
    for (const p of ps) pairs.push([t.path, p]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const cols: ArrayLike<Canonical>[] = [pairs.map((p) => p[0]), BigInt64Array.from(pairs.map((p) => p[1]))];
  const metrics = new MetricsCollector([FILE_PATH, POS]);
  metrics.add(cols);
  const { path, localPath } = dataFilePaths(state, partitionPath(spec, values), `${name}.parquet`);
  const w = writeParquetFile(localPath, [{ field: FILE_PATH }, { field: POS }], [cols], { compression });
  const single = targets.length === 1 && input.referencedDataFile !== false;
  return {
    name,
    content: 'position_deletes',
    contentCode: 1,
    ...writtenParquetFields(w, { path, localPath }, spec, values, metrics.result(metricsLevel), metricsLevel, input.sequenceNumber),
    ...(single ? { referencedDataFile: targets[0]!.path, targetName: targets[0]!.name } : {}),
    deletedPositions: deleted,
  };
}

/** Writes an equality delete file with the equality columns plus any other columns the rows carry. */
export function writeEqualityDeletes(state: BuilderState, input: EqualityDeleteInput, name: string, compression: string, metricsLevel: MetricsLevel): WrittenFile {
  if (state.formatVersion < 2) throw descriptionError('equality deletes need format version 2');
  const schema = currentSchema(state);
  const eqFields = input.equalityIds.map((k) => {
    const f = schema.fields.find((x) => x.id === k || x.name === k);
    if (!f) throw descriptionError(`${name}: equality column ${k} is not a top-level column`);
    return f;
  });
  const used = new Set(input.rows.flatMap((r) => Object.keys(r)));
  const fields = schema.fields.filter((f) => eqFields.includes(f) || used.has(f.name));
  const canon = canonicalColumns(fields, rowsToColumns(input.rows, fields.map((f) => f.name)), name);
  const spec = specById(state, input.specId ?? state.defaultSpecId);
  let values: Canonical[] | undefined;
  if (input.partition) values = partitionFromInput(spec, input.partition);
  else if (spec.fields.length) {
    const full = schema.fields.map((f) => canon[fields.indexOf(f)] ?? new Array(input.rows.length).fill(null));
    values = partitionOfColumns(schema, spec, full, undefined, name);
    if (!values) throw descriptionError(`${name}: no rows; give its 'partition'`);
  } else values = [];
  const metrics = new MetricsCollector(fields);
  metrics.add(canon);
  const { path, localPath } = dataFilePaths(state, partitionPath(spec, values), `${name}.parquet`);
  const w = writeParquetFile(localPath, fields.map((field) => ({ field })), [canon], { compression });
  return {
    name,
    content: 'equality_deletes',
    contentCode: 2,
    ...writtenParquetFields(w, { path, localPath }, spec, values, metrics.result(metricsLevel), metricsLevel, input.sequenceNumber),
    equalityIds: eqFields.map((f) => f.id),
    rows: input.rows.map((r) => ({ ...r })),
    schemaId: schema.schemaId,
    fileFields: fields,
    loadColumns: () => [canon],
  };
}

/**
 * Writes the deletion vectors of one step into one Puffin file. `existing(dataFile)` gives the
 * positions already deleted for a data file (older DV or position deletes) that each DV must keep.
 */
export function writeDeletionVectors(
  state: BuilderState,
  inputs: readonly DeletionVectorInput[],
  puffinName: string,
  live: ReadonlySet<string>,
  existing: (dv: DeletionVectorInput) => readonly bigint[],
): WrittenFile[] {
  if (state.formatVersion < 3) throw descriptionError('deletion vectors need format version 3');
  const seen = new Set<string>();
  const dvs = inputs.map((dv) => {
    const target = dataFileNamed(state, dv.dataFile, live);
    if (seen.has(target.name)) throw descriptionError(`two deletion vectors for ${target.name} in one step`);
    seen.add(target.name);
    const merged = [...new Set([...existing(dv), ...dv.positions.map((p) => BigInt(p))])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { dv, target, positions: merged };
  });
  const file = puffinFile(
    dvs.map(({ target, positions }) => ({
      type: 'deletion-vector-v1',
      fields: [POS_ID],
      data: deletionVectorBlob(positions),
      properties: { 'referenced-data-file': target.path, cardinality: String(positions.length) },
    })),
  );
  const { path, localPath } = dataFilePaths(state, '', `${puffinName}.puffin`);
  writeFileSync(localPath, file.bytes);
  return dvs.map(({ dv, target, positions }, i) => {
    const spec = specById(state, target.specId);
    return {
      name: dv.name ?? `${puffinName}-${target.name}`,
      content: 'deletion_vector' as const,
      contentCode: 1 as const,
      path,
      localPath,
      format: 'puffin' as const,
      recordCount: positions.length,
      fileSizeInBytes: file.bytes.length,
      specId: spec.specId,
      partition: target.partition,
      partitionValues: target.partitionValues,
      metrics: { valueCounts: new Map(), nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() },
      columnSizes: new Map(),
      splitOffsets: [],
      referencedDataFile: target.path,
      targetName: target.name,
      contentOffset: file.blobs[i]!.offset,
      contentSizeInBytes: file.blobs[i]!.length,
      deletedPositions: new Map([[target.name, positions]]),
    };
  });
}

/** The fields every Parquet file the builder wrote shares: location, sizes, partition, metrics. */
function writtenParquetFields(
  w: ReturnType<typeof writeParquetFile>,
  at: { path: string; localPath: string },
  spec: ReturnType<typeof specById>,
  values: readonly Canonical[],
  metrics: WrittenFile['metrics'],
  metricsLevel: MetricsLevel,
  sequenceNumber: number | undefined,
) {
  return {
    ...at,
    format: 'parquet' as const,
    recordCount: w.recordCount,
    fileSizeInBytes: w.fileSizeInBytes,
    specId: spec.specId,
    partition: partitionJson(spec, values),
    partitionValues: values,
    metrics,
    columnSizes: metricsLevel === 'none' ? new Map() : w.columnSizes,
    splitOffsets: w.splitOffsets,
    explicitSequenceNumber: sequenceNumber,
    rowGroups: w.rowGroups,
  };
}
