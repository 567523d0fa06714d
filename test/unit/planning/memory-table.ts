/**
 * Test helpers for planning: an in-memory `FileIO` that logs reads, and writers for manifests and
 * manifest lists (avsc, through the table builder's schemas) and table metadata.
 */
import { IcebergScanError } from '../../../src/errors.ts';
import type { FileIO, InputFile } from '../../../src/io/input-file.ts';
import { tableMetadataFromJson, type TableMetadata } from '../../../src/metadata/table-metadata.ts';
import { encodeAvroFile } from '../../builder/avro-file.ts';
import { manifestEntrySchema, manifestFileSchema, type PartitionFieldType } from '../../builder/avro-schemas.ts';

/** A `FileIO` over a map of paths to bytes; `reads` logs every read's path in order. */
export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>();
  readonly reads: string[] = [];
  /** Reads in flight now, and the most ever in flight at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Called before each read resolves. */
  onRead?: (path: string) => void;

  newInputFile(location: string): InputFile {
    const get = () => {
      const bytes = this.files.get(location);
      if (bytes === undefined) throw new IcebergScanError('not_found', 'file does not exist', { path: location });
      return bytes;
    };
    return {
      location,
      length: async () => get().length,
      read: async (start, end) => {
        this.reads.push(location);
        this.onRead?.(location);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          await new Promise((r) => setTimeout(r, 1));
          return get().subarray(start, end);
        } finally {
          this.inFlight--;
        }
      },
    };
  }
}

const SYNC = new Uint8Array(16).fill(7);

/** A manifest entry (fields as in the Avro schema; data file fields default sensibly). */
export interface EntryInput {
  readonly status?: 0 | 1 | 2;
  readonly snapshotId?: bigint | null;
  readonly sequenceNumber?: bigint | null;
  readonly fileSequenceNumber?: bigint | null;
  readonly content?: 0 | 1 | 2;
  readonly path: string;
  readonly format?: string;
  readonly partition?: Record<string, unknown>;
  readonly recordCount?: number;
  readonly equalityIds?: number[];
  readonly referencedDataFile?: string;
  readonly firstRowId?: bigint | null;
  readonly lowerBounds?: { key: number; value: Buffer }[];
  readonly upperBounds?: { key: number; value: Buffer }[];
}

/** Writes a manifest of `formatVersion` into `io` at `path`; returns its length. */
export async function writeManifest(
  io: MemoryFileIO,
  path: string,
  formatVersion: 1 | 2 | 3,
  entries: readonly EntryInput[],
  partition: readonly PartitionFieldType[] = [],
  codec: 'null' | 'deflate' = 'null',
): Promise<number> {
  const records = entries.map((e) => {
    const dataFile: Record<string, unknown> = {
      file_path: e.path,
      file_format: e.format ?? 'PARQUET',
      partition: e.partition ?? {},
      record_count: BigInt(e.recordCount ?? 10),
      file_size_in_bytes: 100n,
      column_sizes: null,
      value_counts: null,
      null_value_counts: null,
      nan_value_counts: null,
      lower_bounds: e.lowerBounds ?? null,
      upper_bounds: e.upperBounds ?? null,
      key_metadata: null,
      split_offsets: null,
      sort_order_id: null,
    };
    if (formatVersion === 1) dataFile.block_size_in_bytes = 64n;
    else {
      dataFile.content = e.content ?? 0;
      dataFile.equality_ids = e.equalityIds ?? null;
      dataFile.referenced_data_file = e.referencedDataFile ?? null;
    }
    if (formatVersion === 3) {
      dataFile.first_row_id = e.firstRowId ?? null;
      dataFile.content_offset = null;
      dataFile.content_size_in_bytes = null;
    }
    const entry: Record<string, unknown> = { status: e.status ?? 1, snapshot_id: e.snapshotId ?? null, data_file: dataFile };
    if (formatVersion !== 1) {
      entry.sequence_number = e.sequenceNumber ?? null;
      entry.file_sequence_number = e.fileSequenceNumber ?? null;
    }
    return entry;
  });
  const schema = manifestEntrySchema(formatVersion, partition);
  const bytes = await encodeAvroFile(schema, records, { 'format-version': String(formatVersion) }, codec, SYNC);
  io.files.set(path, bytes);
  return bytes.length;
}

/** A manifest list entry. */
export interface ManifestInput {
  readonly path: string;
  readonly specId?: number;
  readonly content?: 0 | 1;
  readonly sequenceNumber?: bigint;
  readonly addedSnapshotId?: bigint;
  readonly firstRowId?: bigint | null;
}

/** Writes a manifest list of `formatVersion` into `io` at `path`. */
export async function writeManifestList(
  io: MemoryFileIO,
  path: string,
  formatVersion: 1 | 2 | 3,
  manifests: readonly ManifestInput[],
  codec: 'null' | 'deflate' = 'deflate',
): Promise<void> {
  const records = manifests.map((m) => {
    const r: Record<string, unknown> = {
      manifest_path: m.path,
      manifest_length: BigInt(io.files.get(m.path)?.length ?? 0),
      partition_spec_id: m.specId ?? 0,
      added_snapshot_id: m.addedSnapshotId ?? 1n,
      added_files_count: 1,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_rows_count: 1n,
      existing_rows_count: 0n,
      deleted_rows_count: 0n,
      partitions: null,
      key_metadata: null,
    };
    if (formatVersion !== 1) {
      r.content = m.content ?? 0;
      r.sequence_number = m.sequenceNumber ?? 1n;
      r.min_sequence_number = m.sequenceNumber ?? 1n;
    }
    if (formatVersion === 3) r.first_row_id = m.firstRowId ?? null;
    return r;
  });
  io.files.set(path, await encodeAvroFile(manifestFileSchema(formatVersion), records, {}, codec, SYNC));
}

/** Table metadata JSON (v2 unless told) with one snapshot reading `manifestList`. */
export function metadataWith(options: {
  formatVersion?: 1 | 2 | 3;
  manifestList?: string;
  specs?: { 'spec-id': number; fields: { 'source-id': number; 'field-id': number; name: string; transform: string }[] }[];
}): TableMetadata {
  const fv = options.formatVersion ?? 2;
  const json: Record<string, unknown> = {
    'format-version': fv,
    'table-uuid': '00000000-0000-0000-0000-000000000000',
    location: '/warehouse/t',
    'last-sequence-number': 1,
    'last-updated-ms': 1,
    'last-column-id': 2,
    'current-schema-id': 0,
    schemas: [
      {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'id', required: false, type: 'long' },
          { id: 2, name: 'part', required: false, type: 'string' },
        ],
      },
    ],
    'default-spec-id': 0,
    'partition-specs': options.specs ?? [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 1000,
    'next-row-id': 0,
  };
  if (options.manifestList !== undefined) {
    json['current-snapshot-id'] = 1;
    json.snapshots = [{ 'snapshot-id': 1, 'sequence-number': 1, 'timestamp-ms': 1, 'manifest-list': options.manifestList, summary: { operation: 'append' } }];
  }
  return tableMetadataFromJson(json, 'memory://metadata.json');
}
