/**
 * The table builder's working state between steps: schemas, specs, files, manifests, snapshots and
 * refs, plus the deterministic id source and bigint-exact JSON output.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IcebergScanError } from '../../src/errors.ts';
import type { IcebergType, NestedField, Schema } from '../../src/metadata/schema.ts';
import type { BuiltFile } from './table-description.ts';
import type { FileMetrics } from './metrics.ts';
import type { Canonical } from './values.ts';

/** A partition field with its resolved source and result type. */
export interface SpecField {
  readonly sourceId: number;
  readonly fieldId: number;
  readonly name: string;
  readonly transform: string;
  readonly sourceType: IcebergType;
  readonly resultType: IcebergType;
}

/** A partition spec of the table being built. */
export interface BuilderSpec {
  readonly specId: number;
  readonly fields: readonly SpecField[];
}

/** A written file plus what its manifest entry needs. */
export interface FileRecord extends BuiltFile {
  /** Manifest content code: 0 data, 1 position deletes (files and DVs), 2 equality deletes. */
  readonly contentCode: 0 | 1 | 2;
  /** Canonical partition values in spec field order. */
  readonly partitionValues: readonly Canonical[];
  readonly metrics: FileMetrics;
  readonly columnSizes: ReadonlyMap<number, number>;
  readonly splitOffsets: readonly number[];
  /** Explicit data sequence number from the description, if any. */
  readonly explicitSequenceNumber?: number;
  /** Data file a DV or single-file position delete file targets (builder name). */
  readonly targetName?: string;
  /** Positions deleted per target data file name (position deletes and DVs). */
  readonly deletedPositions?: ReadonlyMap<string, readonly bigint[]>;
  /** Rows as given, when given as rows. */
  readonly rows?: readonly Record<string, unknown>[];
  /** Schema the file was written with, and the fields it holds (in file order). */
  readonly schemaId?: number;
  readonly fileFields?: readonly NestedField[];
  /** Canonical column batches of the file (data and equality delete files; re-generated on demand). */
  readonly loadColumns?: () => ArrayLike<Canonical>[][];
}

/** One entry of a manifest as the builder tracks it. */
export interface EntryInfo {
  readonly name: string;
  readonly status: 0 | 1 | 2;
  readonly snapshotId: bigint;
  readonly dataSequenceNumber: number;
  readonly fileSequenceNumber: number;
  /** Explicit first_row_id written into the entry (existing/deleted v3 data files). */
  readonly firstRowId?: number;
  /** Write sequence numbers explicitly even though the entry is ADDED. */
  readonly explicitSequence?: boolean;
}

/** A manifest file and its manifest-list fields. */
export interface ManifestInfo {
  readonly path: string;
  readonly length: number;
  readonly specId: number;
  readonly content: 0 | 1;
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId: bigint;
  readonly entries: readonly EntryInfo[];
  readonly partitions: readonly PartitionSummary[];
  /** v3 data manifests: assigned when first listed in a v3 manifest list. */
  firstRowId?: number;
}

/** The manifest list's `field_summary`. */
export interface PartitionSummary {
  readonly containsNull: boolean;
  readonly containsNan: boolean;
  readonly lower?: Uint8Array;
  readonly upper?: Uint8Array;
}

/** A committed snapshot in the builder's state. */
export interface SnapshotState {
  readonly label: string;
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  readonly sequenceNumber: number;
  readonly timestampMs: number;
  readonly operation: string;
  readonly branch: string;
  readonly schemaId: number;
  readonly manifestList: string;
  readonly manifests: readonly ManifestInfo[];
  readonly summary: Readonly<Record<string, string>>;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly firstRowId?: number;
  readonly addedRows?: number;
}

/** Deterministic pseudo-random source (splitmix-style) for uuids, ids and sync markers. */
export class Ids {
  private state: bigint;

  constructor(seed: number) {
    this.state = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
  }

  /** Next 64 random bits. */
  next64(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  /** A random version-4 uuid string. */
  uuid(): string {
    const hex = (this.next64().toString(16).padStart(16, '0') + this.next64().toString(16).padStart(16, '0')).split('');
    hex[12] = '4';
    hex[16] = '89ab'[parseInt(hex[16]!, 16) & 3]!;
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** 16 random bytes (Avro sync markers). */
  bytes16(): Uint8Array {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, this.next64());
    view.setBigUint64(8, this.next64());
    return out;
  }

  /** A positive snapshot id: below 2^53 by default, above it when `large`. */
  snapshotId(large: boolean): bigint {
    const r = this.next64();
    return large ? (r & ((1n << 62n) - 1n)) | (1n << 62n) : (r & ((1n << 52n) - 1n)) + 1n;
  }
}

const BIGINT_MARK = '\u0000bigint:';

/** JSON text in which bigints are written as exact JSON numbers. */
export function stringifyExact(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** The builder's error for a wrong description. */
export function descriptionError(message: string): IcebergScanError {
  return new IcebergScanError('invalid_argument', `table builder: ${message}`);
}

/** Everything the builder tracks while applying steps. */
export interface BuilderState {
  formatVersion: 1 | 2 | 3;
  readonly dir: string;
  readonly location: string;
  readonly tableUuid: string;
  readonly ids: Ids;
  /** Where data and delete files go instead of `<location>/data` (recorded prefix and local folder). */
  readonly dataLocation?: { readonly recorded: string; readonly local: string };
  schemas: Schema[];
  currentSchemaId: number;
  lastColumnId: number;
  specs: BuilderSpec[];
  defaultSpecId: number;
  lastPartitionId: number;
  properties: Record<string, string>;
  lastSequenceNumber: number;
  nextRowId: number;
  readonly files: Map<string, FileRecord>;
  readonly snapshots: SnapshotState[];
  readonly refs: Map<string, { snapshotId: bigint; type: 'branch' | 'tag' }>;
  currentSnapshotId?: bigint;
  readonly snapshotLog: { 'timestamp-ms': number; 'snapshot-id': bigint }[];
  readonly metadataLog: { 'timestamp-ms': number; 'metadata-file': string }[];
  readonly metadataFiles: string[];
  lastUpdatedMs: number;
  anyFileWithoutIds: boolean;
  /** Extra names per field id seen in files (for the name mapping). */
  readonly aliases: Map<number, Set<string>>;
}

/**
 * Recorded and local paths of a data or delete file in partition folder `folder` (may be ''),
 * creating the local folder. Files go below `data/`, or below the table's `dataLocation`.
 */
export function dataFilePaths(state: BuilderState, folder: string, fileName: string): { path: string; localPath: string } {
  const rel = folder ? `${folder}/${fileName}` : fileName;
  const base = state.dataLocation ?? { recorded: `${state.location}/data`, local: join(state.dir, 'data') };
  mkdirSync(join(base.local, folder), { recursive: true });
  return { path: `${base.recorded.replace(/\/+$/, '')}/${rel}`, localPath: join(base.local, rel) };
}

/** The current schema. */
export function currentSchema(state: BuilderState): Schema {
  return state.schemas.find((s) => s.schemaId === state.currentSchemaId)!;
}

/** A spec by id (throws for an unknown id). */
export function specById(state: BuilderState, specId: number): BuilderSpec {
  const spec = state.specs.find((s) => s.specId === specId);
  if (!spec) throw descriptionError(`unknown partition spec id ${specId}`);
  return spec;
}

/** The snapshot a label, branch or tag names (throws `not_found`). */
export function resolveSnapshot(state: BuilderState, ref: string): SnapshotState {
  const byLabel = state.snapshots.find((s) => s.label === ref);
  if (byLabel) return byLabel;
  const r = state.refs.get(ref);
  const byRef = r && state.snapshots.find((s) => s.snapshotId === r.snapshotId);
  if (byRef) return byRef;
  throw new IcebergScanError('not_found', `table builder: no snapshot labelled ${ref}`);
}
