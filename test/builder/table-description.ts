/**
 * The declarative description the table builder accepts, and the description of what it wrote.
 * See test/builder/README.md for examples.
 */
import type { IcebergType, Schema } from '../../src/metadata/schema.ts';

/** A column of the table schema. `type` uses the spec's spelling, or the domain nested types. */
export interface FieldInput {
  readonly id: number;
  readonly name: string;
  readonly type: IcebergType;
  /** Default false (optional column). */
  readonly required?: boolean;
  readonly doc?: string;
  /** v3 default for rows written before the field existed (friendly value form). */
  readonly initialDefault?: unknown;
  /** v3 default writers use; defaults to `initialDefault`. */
  readonly writeDefault?: unknown;
}

/** A partition field. `source` is a column name or id; `name` defaults to Java's naming. */
export interface PartitionFieldInput {
  readonly source: string | number;
  /** `identity`, `bucket[N]`, `truncate[W]`, `year`, `month`, `day`, `hour`, `void`. */
  readonly transform: string;
  readonly name?: string;
  /** Defaults to the next unused id from 1000. */
  readonly fieldId?: number;
}

/** Column values given per column (arrays or typed arrays; typed arrays cannot hold nulls). */
export type ColumnsInput = Readonly<Record<string, ArrayLike<unknown>>>;

/**
 * Rows of a data file, generated in batches so millions of rows never exist as JS objects:
 * `batch(i)` returns the columns of batch `i` (typed arrays are used as Arrow buffers directly).
 */
export interface GeneratedRows {
  readonly batches: number;
  readonly batch: (index: number) => ColumnsInput;
}

/** Common options of every file the builder writes. */
interface FileInputBase {
  /** Key to refer to the file later and its file-name stem; defaults to `s<step>-<kind><n>`. */
  readonly name?: string;
  /** Partition spec to write under (default: the table's current default spec). */
  readonly specId?: number;
  /**
   * Partition tuple by partition field name (transform results: ints for bucket/year/month/hour,
   * dates for day, source values for identity/truncate). Default: computed from the rows.
   */
  readonly partition?: Readonly<Record<string, unknown>>;
  /** Explicit data sequence number written into the entry (default: inherited from the snapshot). */
  readonly sequenceNumber?: number;
}

/** A data file: rows as objects (by column name), as columns, or generated in batches. */
export interface DataFileInput extends FileInputBase {
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
  readonly columns?: ColumnsInput;
  readonly generate?: GeneratedRows;
  /** Parquet max row-group size in rows (default 1,048,576). */
  readonly rowGroupSize?: number;
  /** Rows per Parquet data page (default: pages of 1 MiB). */
  readonly pageRows?: number;
  /** Write Parquet without field ids (readers need the table's name mapping). */
  readonly withoutFieldIds?: boolean;
  /** Columns left out of the file (top-level names): a file written before they existed. */
  readonly omitColumns?: readonly string[];
  /** Column names used inside the Parquet file instead of the schema's (top-level). */
  readonly fileColumnNames?: Readonly<Record<string, string>>;
  /**
   * v3 row lineage written into the file (`_row_id` 2147483540, `_last_updated_sequence_number`
   * 2147483539; null means "inherit"), as writers do for rows moved between files. Rows/columns only.
   */
  readonly rowLineage?: {
    readonly rowIds?: ArrayLike<number | bigint | null>;
    readonly lastUpdatedSequenceNumbers?: ArrayLike<number | bigint | null>;
  };
  /**
   * Column metrics recorded in the manifest instead of the ones computed from the rows, by field
   * id: each entry replaces every metric of that field (`null` records none). For metrics that
   * disagree with the file: a column it lacks, a dropped column, bounds of an older type.
   */
  readonly metricsOverride?: Readonly<Record<number, ColumnMetricsInput | null>>;
}

/** One field's metrics as a data file's `metricsOverride` gives them (absent = not recorded). */
export interface ColumnMetricsInput {
  readonly valueCount?: number;
  readonly nullCount?: number;
  readonly nanCount?: number;
  /** Bounds in the friendly value form of `boundType`. */
  readonly lower?: unknown;
  readonly upper?: unknown;
  /** The type the bounds are serialised as (default: the field's type in the current schema), e.g. `int` for a column since promoted to `long`. */
  readonly boundType?: IcebergType;
}

/** A position delete file: positions per data file (keys are data-file names). */
export interface PositionDeleteInput extends FileInputBase {
  readonly positions: Readonly<Record<string, readonly (number | bigint)[]>>;
  /** Write `referenced_data_file` when the file targets one data file (default true). */
  readonly referencedDataFile?: boolean;
}

/** An equality delete file. */
export interface EqualityDeleteInput extends FileInputBase {
  /** Delete columns by name or id. */
  readonly equalityIds: readonly (string | number)[];
  /** Deleted values; may carry further columns of the schema. */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** A deletion vector for one data file (v3). All DVs of a step share one Puffin file. */
export interface DeletionVectorInput {
  readonly dataFile: string;
  readonly positions: readonly (number | bigint)[];
  readonly name?: string;
  /**
   * Keep the positions of the file's older DV and position delete files in this DV, as the spec
   * requires (default true). `false` writes only `positions`, to test that readers ignore the
   * position delete files a DV supersedes.
   */
  readonly mergeExisting?: boolean;
}

/** Schema changes; every name refers to the schema before the change (added fields append at the end). */
export interface SchemaChange {
  readonly add?: readonly (Omit<FieldInput, 'id'> & { readonly id?: number; readonly parent?: string })[];
  /** Old name (top-level or dotted path) → new name. */
  readonly rename?: Readonly<Record<string, string>>;
  /** Column name → wider type (`int`→`long`, `float`→`double`, `decimal(P,S)`→`decimal(P',S)`, `date`→`timestamp`). */
  readonly promote?: Readonly<Record<string, string>>;
  readonly makeOptional?: readonly string[];
  readonly drop?: readonly string[];
}

/** Options of a step that commits a snapshot. */
interface CommitOptions {
  /** Label to refer to this snapshot in tag/branch/setCurrent steps and in the result. */
  readonly label?: string;
  /** Commit to this branch (created from main's head when missing); default `main`. */
  readonly branch?: string;
  readonly snapshotId?: bigint | number;
  readonly timestampMs?: number;
  /** Summary `operation`; default inferred (append, delete, overwrite). */
  readonly operation?: 'append' | 'replace' | 'overwrite' | 'delete';
  /** One manifest per added file instead of one per content kind (default false). */
  readonly manifestPerFile?: boolean;
}

/** A step that commits one snapshot: any mix of added files and removed files. */
export interface CommitStep extends CommitOptions {
  readonly append?: readonly DataFileInput[];
  readonly positionDeletes?: readonly PositionDeleteInput[];
  readonly equalityDeletes?: readonly EqualityDeleteInput[];
  readonly deletionVectors?: readonly DeletionVectorInput[];
  /** Names of live data or delete files to remove (written as DELETED entries). */
  readonly removeFiles?: readonly string[];
}

/** Steps that change metadata only (no snapshot). */
export type MetadataStep =
  | { readonly evolveSchema: SchemaChange }
  | { readonly evolveSpec: readonly PartitionFieldInput[] }
  | { readonly tag: string; readonly snapshot?: string }
  | { readonly createBranch: string; readonly snapshot?: string }
  | { readonly setCurrent: string }
  | { readonly setProperties: Readonly<Record<string, string>> }
  | { readonly upgradeFormatVersion: 2 | 3 };

/** One step of the table's history. */
export type TableStep = CommitStep | MetadataStep;

/** The declarative description of a table. */
export interface TableDescription {
  /** Default 2. */
  readonly formatVersion?: 1 | 2 | 3;
  readonly schema: readonly FieldInput[] | Schema;
  readonly partitionSpec?: readonly PartitionFieldInput[];
  readonly properties?: Readonly<Record<string, string>>;
  /** Location recorded in metadata (default: the absolute folder path). Files are still written into the folder. */
  readonly location?: string;
  /**
   * Data and delete files outside the table folder (like `write.data.path`): recorded under
   * `recorded`, written into the local folder `local`. Tests of location maps and refused paths.
   */
  readonly dataLocation?: { readonly recorded: string; readonly local: string };
  /** Write `schema.name-mapping.default` from the current schema (default: when any file has no field ids). */
  readonly nameMapping?: boolean;
  /** Parquet compression (default zstd). */
  readonly compression?: 'uncompressed' | 'snappy' | 'gzip' | 'zstd' | 'lz4_raw' | 'brotli';
  /** Avro codec of manifests and manifest lists (default deflate, as Java). */
  readonly manifestCodec?: 'deflate' | 'null';
  /**
   * Column metrics in manifests: bounds and counts (default), counts only, none, or bounds of
   * strings and binary truncated to `truncate` code points/bytes as Java's `truncate(16)` default
   * does (upper bounds rounded up).
   */
  readonly metrics?: 'full' | 'counts' | 'none' | { readonly truncate: number };
  /** Metadata file naming: `v1.metadata.json` + version-hint (default) or `00001-<uuid>.metadata.json` without hint. */
  readonly metadataNaming?: 'hadoop' | 'uuid';
  /** Gzip the metadata JSON files (named `*.gz.metadata.json`), as some writers do. */
  readonly gzipMetadata?: boolean;
  /** Seed for uuids and snapshot ids (deterministic output). */
  readonly seed?: number;
  /** Snapshot ids above 2^53 (as Java writes) instead of small ids. */
  readonly largeSnapshotIds?: boolean;
  /** Timestamp of the first snapshot (ms); later ones add 1000 ms each. */
  readonly baseTimeMs?: number;
  readonly steps: readonly TableStep[];
}

/** A file the builder wrote. */
export interface BuiltFile {
  readonly name: string;
  readonly content: 'data' | 'position_deletes' | 'equality_deletes' | 'deletion_vector';
  /** Location as recorded in the manifest. */
  readonly path: string;
  /** Where it is on disk. */
  readonly localPath: string;
  readonly format: 'parquet' | 'puffin';
  readonly recordCount: number;
  readonly fileSizeInBytes: number;
  readonly specId: number;
  /** Partition values by partition field id (JSON single-value form, as in `ContentFile`). */
  readonly partition: Readonly<Record<string, unknown>>;
  /** Data sequence number (the snapshot's unless given explicitly); 0 in v1 tables. */
  readonly sequenceNumber: number;
  readonly snapshotId: bigint;
  /** v3 data files: the inherited first row id. */
  readonly firstRowId?: number;
  readonly equalityIds?: readonly number[];
  readonly referencedDataFile?: string;
  readonly contentOffset?: number;
  readonly contentSizeInBytes?: number;
  /** Row-group count (Parquet files). */
  readonly rowGroups?: number;
}

/** A snapshot the builder committed. */
export interface BuiltSnapshot {
  readonly label: string;
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  readonly sequenceNumber: number;
  readonly timestampMs: number;
  readonly operation: string;
  readonly branch: string;
  readonly schemaId: number;
  readonly manifestList: string;
  /** Names of files added and removed by this snapshot. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Names of the live data and delete files of this snapshot. */
  readonly live: readonly string[];
  readonly firstRowId?: number;
}

/** What `buildTable` wrote. */
export interface BuiltTable {
  readonly dir: string;
  readonly location: string;
  readonly formatVersion: 1 | 2 | 3;
  /** Absolute local path of the last metadata file. */
  readonly metadataPath: string;
  readonly metadataFiles: readonly string[];
  readonly currentSnapshotId?: bigint;
  readonly snapshots: readonly BuiltSnapshot[];
  readonly files: Readonly<Record<string, BuiltFile>>;
  readonly refs: Readonly<Record<string, { snapshotId: bigint; type: 'branch' | 'tag' }>>;
  readonly schemas: readonly Schema[];
  /** Snapshot by label (throws `not_found` for an unknown label). */
  snapshot(label: string): BuiltSnapshot;
  /** Rows of a file as given in the description (files given as `rows` only). */
  rowsOf(fileName: string): readonly Record<string, unknown>[] | undefined;
  /**
   * The oracle: rows a correct reader returns for a snapshot label, branch or tag (default: the
   * current snapshot), with every delete rule of the spec applied and columns projected by field id
   * onto the table's current schema (current snapshot, branches) or the snapshot's schema (labels,
   * tags). Values follow the NDJSON rules of `iceberg-rx scan` (see
   * `expected-rows.ts`); row order is file order, so sort before comparing. Generated files are
   * generated again.
   */
  expectedRows(ref?: string): Record<string, unknown>[];
}
