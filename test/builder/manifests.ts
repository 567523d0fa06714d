/**
 * Manifests and manifest lists for the table builder: Avro records per format version, partition
 * summaries, sequence-number and first-row-id fields, file key-value metadata as Java writes it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaToWire } from '../../src/metadata/schema.ts';
import { encodeAvroFile } from './avro-file.ts';
import { manifestEntrySchema, manifestFileSchema } from './avro-schemas.ts';
import { currentSchema, specById, stringifyExact, type BuilderSpec, type BuilderState, type EntryInfo, type FileRecord, type ManifestInfo, type PartitionSummary } from './builder-state.ts';
import { compareCanonical } from './metrics.ts';
import { partitionAvro, specJson } from './partitioning.ts';
import { toBinary, type Canonical } from './values.ts';

/** Java's default for the deprecated v1 `block_size_in_bytes`. */
const V1_BLOCK_SIZE = 67_108_864;

const FORMAT_NAME = { parquet: 'PARQUET', puffin: 'PUFFIN' } as const;

function mapArray<V>(m: ReadonlyMap<number, V>, wrap: (v: V) => unknown): { key: number; value: unknown }[] | null {
  if (!m.size) return null;
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([key, v]) => ({ key, value: wrap(v) }));
}

function dataFileRecord(state: BuilderState, f: FileRecord, e: EntryInfo): Record<string, unknown> {
  const v = state.formatVersion;
  const spec = specById(state, f.specId);
  const rec: Record<string, unknown> = {
    file_path: f.path,
    file_format: FORMAT_NAME[f.format],
    partition: partitionAvro(spec, f.partitionValues),
    record_count: f.recordCount,
    file_size_in_bytes: f.fileSizeInBytes,
    column_sizes: mapArray(f.columnSizes, (x) => x),
    value_counts: mapArray(f.metrics.valueCounts, (x) => x),
    null_value_counts: mapArray(f.metrics.nullValueCounts, (x) => x),
    nan_value_counts: mapArray(f.metrics.nanValueCounts, (x) => x),
    lower_bounds: mapArray(f.metrics.lowerBounds, (x) => Buffer.from(x)),
    upper_bounds: mapArray(f.metrics.upperBounds, (x) => Buffer.from(x)),
    key_metadata: null,
    split_offsets: f.splitOffsets.length ? f.splitOffsets : null,
    sort_order_id: null,
  };
  if (v === 1) rec.block_size_in_bytes = V1_BLOCK_SIZE;
  if (v >= 2) {
    rec.content = f.contentCode;
    rec.equality_ids = f.equalityIds ? [...f.equalityIds] : null;
    rec.referenced_data_file = f.referencedDataFile ?? null;
  }
  if (v >= 3) {
    rec.first_row_id = f.contentCode === 0 && e.firstRowId !== undefined ? e.firstRowId : null;
    rec.content_offset = f.contentOffset ?? null;
    rec.content_size_in_bytes = f.contentSizeInBytes ?? null;
  }
  return rec;
}

function entryRecord(state: BuilderState, e: EntryInfo): Record<string, unknown> {
  const f = state.files.get(e.name)!;
  const inherit = e.status === 1 && !e.explicitSequence;
  const rec: Record<string, unknown> = { status: e.status, snapshot_id: e.snapshotId, data_file: dataFileRecord(state, f, e) };
  if (state.formatVersion >= 2) {
    rec.sequence_number = inherit ? null : e.dataSequenceNumber;
    rec.file_sequence_number = e.status === 1 ? null : e.fileSequenceNumber;
  }
  return rec;
}

function summaries(state: BuilderState, spec: BuilderSpec, entries: readonly EntryInfo[]): PartitionSummary[] {
  return spec.fields.map((field, i) => {
    let containsNull = false;
    let containsNan = false;
    let lo: Canonical;
    let hi: Canonical;
    for (const e of entries) {
      const v = state.files.get(e.name)!.partitionValues[i];
      if (v === null || v === undefined) containsNull = true;
      else if (typeof v === 'number' && Number.isNaN(v)) containsNan = true;
      else {
        if (lo === undefined || compareCanonical(v, lo) < 0) lo = v;
        if (hi === undefined || compareCanonical(v, hi) > 0) hi = v;
      }
    }
    return {
      containsNull,
      containsNan,
      ...(lo !== undefined ? { lower: toBinary(field.resultType, lo), upper: toBinary(field.resultType, hi) } : {}),
    };
  });
}

/** Writes one manifest of `entries` (all of one spec and one content kind). */
export async function writeManifest(
  state: BuilderState,
  specId: number,
  content: 0 | 1,
  entries: readonly EntryInfo[],
  snapshot: { snapshotId: bigint; sequenceNumber: number },
  codec: 'deflate' | 'null',
): Promise<ManifestInfo> {
  const spec = specById(state, specId);
  const v = state.formatVersion;
  const schema = manifestEntrySchema(v, spec.fields);
  const meta: Record<string, string> = {
    schema: stringifyExact(schemaToWire(currentSchema(state))),
    'schema-id': String(state.currentSchemaId),
    'partition-spec': JSON.stringify(specJson(spec).fields),
    'partition-spec-id': String(spec.specId),
    'format-version': String(v),
  };
  if (v >= 2) meta.content = content === 0 ? 'data' : 'deletes';
  const bytes = await encodeAvroFile(schema, entries.map((e) => entryRecord(state, e)), meta, codec, state.ids.bytes16());
  const rel = join('metadata', `${state.ids.uuid()}-m0.avro`);
  writeFileSync(join(state.dir, rel), bytes);
  const live = entries.filter((e) => e.status !== 2);
  return {
    path: `${state.location}/${rel}`,
    length: bytes.length,
    specId,
    content,
    sequenceNumber: snapshot.sequenceNumber,
    minSequenceNumber: live.length ? Math.min(...live.map((e) => e.dataSequenceNumber)) : snapshot.sequenceNumber,
    addedSnapshotId: snapshot.snapshotId,
    entries,
    partitions: summaries(state, spec, entries),
  };
}

function counts(state: BuilderState, m: ManifestInfo, status: 0 | 1 | 2): [number, number] {
  const es = m.entries.filter((e) => e.status === status);
  return [es.length, es.reduce((n, e) => n + state.files.get(e.name)!.recordCount, 0)];
}

/** The manifest-list record of a manifest. */
function manifestFileRecord(state: BuilderState, m: ManifestInfo): Record<string, unknown> {
  const [added, addedRows] = counts(state, m, 1);
  const [existing, existingRows] = counts(state, m, 0);
  const [deleted, deletedRows] = counts(state, m, 2);
  const rec: Record<string, unknown> = {
    manifest_path: m.path,
    manifest_length: m.length,
    partition_spec_id: m.specId,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: added,
    existing_files_count: existing,
    deleted_files_count: deleted,
    added_rows_count: addedRows,
    existing_rows_count: existingRows,
    deleted_rows_count: deletedRows,
    // an empty list for unpartitioned specs, as Java writes it
    partitions: m.partitions.map((p) => ({
      contains_null: p.containsNull,
      contains_nan: p.containsNan,
      lower_bound: p.lower ? Buffer.from(p.lower) : null,
      upper_bound: p.upper ? Buffer.from(p.upper) : null,
    })),
    key_metadata: null,
  };
  if (state.formatVersion >= 2) {
    rec.content = m.content;
    rec.sequence_number = m.sequenceNumber;
    rec.min_sequence_number = m.minSequenceNumber;
  }
  if (state.formatVersion >= 3) rec.first_row_id = m.firstRowId ?? null;
  return rec;
}

/**
 * Assigns v3 `first_row_id`s to data manifests that lack one, starting at the table's next row id.
 * Returns the snapshot's first row id and the number of row ids assigned.
 */
export function assignFirstRowIds(state: BuilderState, manifests: readonly ManifestInfo[]): { firstRowId: number; addedRows: number } {
  const first = state.nextRowId;
  for (const m of manifests) {
    if (m.content !== 0 || m.firstRowId !== undefined) continue;
    m.firstRowId = state.nextRowId;
    state.nextRowId += counts(state, m, 1)[1] + counts(state, m, 0)[1];
  }
  return { firstRowId: first, addedRows: state.nextRowId - first };
}

/** Writes a snapshot's manifest list; returns its recorded location. */
export async function writeManifestList(
  state: BuilderState,
  snapshot: { snapshotId: bigint; parentSnapshotId?: bigint; sequenceNumber: number; firstRowId?: number },
  manifests: readonly ManifestInfo[],
  codec: 'deflate' | 'null',
): Promise<string> {
  const v = state.formatVersion;
  const meta: Record<string, string> = {
    'snapshot-id': String(snapshot.snapshotId),
    'parent-snapshot-id': snapshot.parentSnapshotId === undefined ? 'null' : String(snapshot.parentSnapshotId),
    'format-version': String(v),
  };
  if (v >= 2) meta['sequence-number'] = String(snapshot.sequenceNumber);
  if (v >= 3) meta['first-row-id'] = String(snapshot.firstRowId ?? 0);
  const bytes = await encodeAvroFile(manifestFileSchema(v), manifests.map((m) => manifestFileRecord(state, m)), meta, codec, state.ids.bytes16());
  const rel = join('metadata', `snap-${snapshot.snapshotId}-1-${state.ids.uuid()}.avro`);
  writeFileSync(join(state.dir, rel), bytes);
  return `${state.location}/${rel}`;
}
