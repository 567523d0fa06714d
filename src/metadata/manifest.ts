/**
 * Manifests: avsc-decoded `manifest_entry` records (v1, v2, v3 field sets) converted into live
 * entries whose `ContentFile` carries inherited values (snapshot id, sequence numbers, v3
 * `first_row_id`) and JSON-encoded partition values. DELETED entries are dropped.
 */
import { IcebergScanError } from '../errors.ts';
import type { ContentFile, FileContent, FileFormat } from './content-file.ts';
import { decodeAvroFile, type ExactLong } from './avro-file.ts';
import type { ManifestFile } from './manifest-list.ts';
import { partitionResultType, partitionSpecFromWire, type PartitionSpec } from './partition-spec.ts';
import type { Schema } from './schema.ts';
import { singleValueToJson } from './single-value-json.ts';
import type { SnapshotId } from './snapshot.ts';

/** Status of a manifest entry. */
export type ManifestEntryStatus = 'existing' | 'added' | 'deleted';

/** A live manifest entry with inherited values resolved. */
export interface ManifestEntry {
  readonly status: Exclude<ManifestEntryStatus, 'deleted'>;
  /** Snapshot that added the file (inherited from the manifest when null). */
  readonly snapshotId?: SnapshotId;
  readonly file: ContentFile;
}

/** What a manifest is read against. */
export interface ReadManifestContext {
  /** The manifest as listed in the manifest list (for inheritance and its spec id). */
  readonly manifest: ManifestFile;
  /** The table's partition specs. */
  readonly specs: readonly PartitionSpec[];
  /** Schemas to resolve partition source columns in, most relevant first. */
  readonly schemas: readonly Schema[];
}

/** Decoded manifest: its spec and its live entries. */
export interface DecodedManifest {
  readonly spec: PartitionSpec;
  readonly entries: ManifestEntry[];
}

const CONTENT: readonly FileContent[] = ['data', 'position_deletes', 'equality_deletes'];
const FORMATS: readonly FileFormat[] = ['parquet', 'avro', 'orc', 'puffin'];

/**
 * Decodes a manifest file and resolves inheritance. Throws `IcebergScanError('data_invalid')`
 * naming `path` for missing required fields, unknown content or format values, or a partition
 * spec id the table does not define.
 *
 * @param bytes The manifest's bytes.
 * @param path Its location as recorded, for errors.
 * @param context The listing manifest and the table's specs and schemas.
 */
export function readManifest(bytes: Uint8Array, path: string, context: ReadManifestContext): DecodedManifest {
  const file = decodeAvroFile(bytes, path);
  const { manifest } = context;
  const bad = (message: string, extra: Record<string, string | number> = {}) =>
    new IcebergScanError('data_invalid', `manifest: ${message}`, { path, context: extra, expected: 'a manifest as the Iceberg spec defines it' });

  const specId = manifest.partitionSpecId >= 0 ? manifest.partitionSpecId : Number(file.meta['partition-spec-id'] ?? 0);
  let spec = context.specs.find((s) => s.specId === specId);
  if (spec === undefined && file.meta['partition-spec'] !== undefined) {
    try {
      spec = partitionSpecFromWire(specId, JSON.parse(file.meta['partition-spec']));
    } catch {
      spec = undefined;
    }
  }
  if (spec === undefined) throw bad(`partition spec ${specId} is not defined by the table`, { specId });

  const partitionIds = partitionFieldIds(file.schema, spec);
  const types = spec.fields.map((f) => partitionResultType(f, context.schemas));
  const typeById = new Map(spec.fields.map((f, i) => [f.fieldId, types[i]]));

  const entries: ManifestEntry[] = [];
  let nextRowId = manifest.firstRowId;
  const takeRowId = (dataFile: unknown): number | undefined => {
    const d = dataFile as Record<string, unknown> | null | undefined;
    if (nextRowId === undefined || d == null || (d.content != null && Number(d.content) !== 0) || d.first_row_id != null) return undefined;
    const id = nextRowId;
    nextRowId += Number(d.record_count ?? 0);
    return id;
  };
  file.records.forEach((r, index) => {
    const statusCode = Number(r.status);
    // Row ids are assigned in entry order over every data entry without one (Java's reader counts
    // DELETED entries too), so the running id advances before DELETED entries are dropped.
    const inheritedRowId = takeRowId(r.data_file);
    if (statusCode === 2) return;
    if (statusCode !== 0 && statusCode !== 1) throw bad(`entry ${index} has status ${r.status}`, { entry: index });
    const status = statusCode === 1 ? 'added' : 'existing';
    const d = r.data_file as Record<string, unknown> | undefined;
    if (d === undefined || d === null || typeof d !== 'object') throw bad(`entry ${index} has no data_file`, { entry: index });

    const contentCode = d.content == null ? 0 : Number(d.content);
    const content = CONTENT[contentCode];
    if (content === undefined) throw bad(`entry ${index} has content ${contentCode}`, { entry: index });
    const format = String(d.file_format ?? '').toLowerCase() as FileFormat;
    if (!FORMATS.includes(format)) throw bad(`entry ${index} has file_format ${String(d.file_format)}`, { entry: index });
    if (typeof d.file_path !== 'string' || d.file_path.length === 0) throw bad(`entry ${index} has no file_path`, { entry: index });
    if (!isLong(d.record_count) || !isLong(d.file_size_in_bytes)) {
      throw bad(`entry ${index} lacks record_count or file_size_in_bytes`, { entry: index });
    }

    const inherit = (value: unknown, field: string): number => {
      if (value !== null && value !== undefined) return Number(value as ExactLong);
      if (status === 'added' || manifest.sequenceNumber === 0) return manifest.sequenceNumber;
      throw bad(`existing entry ${index} has a null ${field}`, { entry: index });
    };
    const partition: Record<string, null | boolean | number | string> = {};
    const p = (d.partition ?? {}) as Record<string, unknown>;
    for (const [name, id] of partitionIds) partition[String(id)] = singleValueToJson(p[name], typeById.get(id));

    const f: Record<string, unknown> = {
      content,
      path: d.file_path,
      format,
      recordCount: Number(d.record_count),
      fileSizeInBytes: Number(d.file_size_in_bytes),
      specId: spec.specId,
      partition,
      sequenceNumber: inherit(r.sequence_number, 'sequence_number'),
      fileSequenceNumber: inherit(r.file_sequence_number, 'file_sequence_number'),
    };
    setMap(f, 'columnSizes', d.column_sizes, Number);
    setMap(f, 'valueCounts', d.value_counts, Number);
    setMap(f, 'nullValueCounts', d.null_value_counts, Number);
    setMap(f, 'nanValueCounts', d.nan_value_counts, Number);
    setMap(f, 'lowerBounds', d.lower_bounds, base64);
    setMap(f, 'upperBounds', d.upper_bounds, base64);
    if (Array.isArray(d.split_offsets)) f.splitOffsets = d.split_offsets.map(Number);
    if (Array.isArray(d.equality_ids)) f.equalityIds = d.equality_ids.map(Number);
    if (d.sort_order_id != null) f.sortOrderId = Number(d.sort_order_id);
    if (typeof d.referenced_data_file === 'string') f.referencedDataFile = d.referenced_data_file;
    if (d.content_offset != null) f.contentOffset = Number(d.content_offset);
    if (d.content_size_in_bytes != null) f.contentSizeInBytes = Number(d.content_size_in_bytes);
    if (content === 'data') {
      if (d.first_row_id != null) f.firstRowId = Number(d.first_row_id);
      else if (inheritedRowId !== undefined) f.firstRowId = inheritedRowId;
      else if ('first_row_id' in d) f.firstRowId = null;
    }
    const snapshotId = r.snapshot_id != null ? String(r.snapshot_id) : manifest.addedSnapshotId;
    entries.push({ status, ...(snapshotId !== undefined ? { snapshotId } : {}), file: f as ContentFile });
  });
  return { spec, entries };
}

/**
 * Maps the Avro field names of `data_file.partition` to partition field ids: by the writer schema's
 * `field-id` attributes, else by name in the spec, else by position.
 */
function partitionFieldIds(schema: unknown, spec: PartitionSpec): [string, number][] {
  const fields = recordFields(schema);
  const dataFile = fields.find((f) => f.name === 'data_file');
  const partition = recordFields(unwrapNull(dataFile?.type)).find((f) => f.name === 'partition');
  const parts = recordFields(unwrapNull(partition?.type));
  return parts.map((f, i): [string, number] => {
    const id = f['field-id'];
    if (typeof id === 'number') return [f.name, id];
    const byName = spec.fields.find((s) => s.name === f.name);
    return [f.name, byName?.fieldId ?? spec.fields[i]?.fieldId ?? -1];
  });
}

interface AvroField {
  name: string;
  type: unknown;
  'field-id'?: unknown;
}

function recordFields(type: unknown): AvroField[] {
  if (type && typeof type === 'object' && Array.isArray((type as { fields?: unknown }).fields)) {
    return (type as { fields: AvroField[] }).fields;
  }
  return [];
}

function unwrapNull(type: unknown): unknown {
  if (Array.isArray(type)) return type.find((t) => t !== 'null');
  return type;
}

function setMap(out: Record<string, unknown>, key: string, kv: unknown, convert: (v: unknown) => unknown): void {
  if (!Array.isArray(kv)) return;
  const m: Record<string, unknown> = {};
  for (const e of kv as { key: unknown; value: unknown }[]) {
    if (e && e.value !== null && e.value !== undefined) m[String(e.key)] = convert(e.value);
  }
  out[key] = m;
}

function isLong(v: unknown): v is ExactLong {
  return typeof v === 'number' || typeof v === 'bigint';
}

function base64(v: unknown): string {
  return Buffer.from(v as Uint8Array).toString('base64');
}
