/**
 * Manifest lists: avsc-decoded `manifest_file` records (v1, v2, v3 field sets) converted into the
 * domain `ManifestFile`, with v1 defaults applied (content data, sequence numbers 0).
 */
import { IcebergScanError } from '../errors.ts';
import { decodeAvroFile, type ExactLong } from './avro-file.ts';
import type { SnapshotId } from './snapshot.ts';

/** A partition field summary of a manifest (bounds base64 of the binary single-value form). */
export interface FieldSummary {
  readonly containsNull: boolean;
  readonly containsNan?: boolean;
  readonly lowerBound?: string;
  readonly upperBound?: string;
}

/** One manifest as listed by a manifest list. */
export interface ManifestFile {
  /** Location as recorded. */
  readonly manifestPath: string;
  readonly manifestLength: number;
  /** Spec of every entry of the manifest; -1 when unknown (v1 inline manifests: read from the file). */
  readonly partitionSpecId: number;
  readonly content: 'data' | 'deletes';
  /** Sequence number of the snapshot that added the manifest (0 for v1). */
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId?: SnapshotId;
  readonly addedFilesCount?: number;
  readonly existingFilesCount?: number;
  readonly deletedFilesCount?: number;
  readonly addedRowsCount?: number;
  readonly existingRowsCount?: number;
  readonly deletedRowsCount?: number;
  readonly partitions?: readonly FieldSummary[];
  /** v3: first row id of the manifest's data files with null `first_row_id`. */
  readonly firstRowId?: number;
}

/**
 * Decodes a manifest list file. Throws `IcebergScanError('data_invalid')` naming `path` when a
 * required field is missing or has the wrong type.
 *
 * @param bytes The manifest list's bytes.
 * @param path Its location, for errors.
 */
export function readManifestList(bytes: Uint8Array, path: string): ManifestFile[] {
  const file = decodeAvroFile(bytes, path);
  return file.records.map((r, i) => manifestFileFromRecord(r, path, i));
}

/** Converts one `manifest_file` record; exported for the v1 inline-manifests path. */
export function manifestFileFromRecord(r: Record<string, unknown>, path: string, index: number): ManifestFile {
  const req = <T>(name: string, check: (v: unknown) => v is T): T => {
    const v = r[name];
    if (!check(v)) {
      throw new IcebergScanError('data_invalid', `manifest list: record ${index} field ${name} is ${show(v)}`, {
        path,
        expected: `field ${name} of manifest_file`,
        context: { record: index, field: name },
      });
    }
    return v;
  };
  const content = r.content === undefined || r.content === null ? 0 : Number(r.content);
  if (content !== 0 && content !== 1) {
    throw new IcebergScanError('data_invalid', `manifest list: record ${index} has content ${content}`, {
      path,
      expected: 'content 0 (data) or 1 (deletes)',
    });
  }
  const partitions = Array.isArray(r.partitions)
    ? (r.partitions as Record<string, unknown>[]).map((s) => ({
        containsNull: Boolean(s.contains_null),
        ...(s.contains_nan != null ? { containsNan: Boolean(s.contains_nan) } : {}),
        ...(s.lower_bound != null ? { lowerBound: base64(s.lower_bound) } : {}),
        ...(s.upper_bound != null ? { upperBound: base64(s.upper_bound) } : {}),
      }))
    : undefined;
  const opt = (...names: string[]): number | undefined => {
    for (const n of names) if (r[n] !== undefined && r[n] !== null) return Number(r[n] as ExactLong);
    return undefined;
  };
  const out: ManifestFile = {
    manifestPath: req('manifest_path', isString),
    manifestLength: Number(req('manifest_length', isLong)),
    partitionSpecId: Number(req('partition_spec_id', isLong)),
    content: content === 0 ? 'data' : 'deletes',
    sequenceNumber: opt('sequence_number') ?? 0,
    minSequenceNumber: opt('min_sequence_number') ?? 0,
    ...(r.added_snapshot_id != null ? { addedSnapshotId: String(r.added_snapshot_id) } : {}),
    ...defined('addedFilesCount', opt('added_files_count', 'added_data_files_count')),
    ...defined('existingFilesCount', opt('existing_files_count', 'existing_data_files_count')),
    ...defined('deletedFilesCount', opt('deleted_files_count', 'deleted_data_files_count')),
    ...defined('addedRowsCount', opt('added_rows_count')),
    ...defined('existingRowsCount', opt('existing_rows_count')),
    ...defined('deletedRowsCount', opt('deleted_rows_count')),
    ...(partitions !== undefined ? { partitions } : {}),
    ...defined('firstRowId', opt('first_row_id')),
  };
  return out;
}

function defined<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isLong(v: unknown): v is ExactLong {
  return typeof v === 'number' || typeof v === 'bigint';
}

function base64(v: unknown): string {
  return Buffer.from(v as Uint8Array).toString('base64');
}

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'bigint') return `${v}`;
  return JSON.stringify(v) ?? String(v);
}
