/**
 * `Table`: a loaded Iceberg table (metadata plus the `FileIO` that resolves its files) and the
 * entry point of scans.
 */
import { IcebergScanError } from '../errors.ts';
import type { TableFileIO } from '../io/table-file-io.ts';
import { nameMappingFromProperties, type NameMapping } from '../metadata/name-mapping.ts';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { Schema } from '../metadata/schema.ts';
import type { Snapshot } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import type { ScanPlugins } from './scan-plugins.ts';
import { currentSchema } from './select-snapshot.ts';
import { TableScan, type TableScanOptions } from './table-scan.ts';
import type { Observable } from 'rxjs';
import { watchTable, type TableCommit, type WatchOptions } from '../watch/watch-table.ts';

export type { ScanPlugins } from './scan-plugins.ts';

/**
 * Where a table's newer versions come from: the catalog that named it, or the metadata folder it
 * was loaded from. `Table.refresh` asks it.
 */
export interface TableSource {
  /** What the table is known by, for messages: `rest catalog prod: analytics.events`, or the metadata folder. */
  readonly name: string;
  /** Loads the table's current version. */
  load(signal?: AbortSignal): Promise<Table>;
}

/** A loaded table. Immutable: `refresh()` returns the newer version. */
export class Table {
  /**
   * @param metadata The parsed table metadata.
   * @param io Resolves and opens the table's files (moved-table aware).
   * @param metadataLocation The metadata file this table was loaded from.
   * @param plugins Filter and delete stages used by scans.
   * @param source Where `refresh()` finds newer versions (none: `refresh()` fails with `invalid_argument`).
   */
  constructor(
    readonly metadata: TableMetadata,
    readonly io: TableFileIO,
    readonly metadataLocation: string,
    readonly plugins: ScanPlugins = {},
    readonly source?: TableSource,
  ) {}

  /**
   * Loads the table's current version from where this one came from: its catalog, or its
   * metadata folder (`version-hint.text`, else the newest metadata file). This table is unchanged.
   *
   * @param signal Aborts the reload.
   * @returns The current version (this table's metadata when nothing was committed since).
   */
  async refresh(signal?: AbortSignal): Promise<Table> {
    if (this.source === undefined) {
      throw new IcebergScanError('invalid_argument', 'this table has no source to refresh from (it was constructed directly)', {
        path: this.metadataLocation,
        expected: 'a table from loadTable or a catalog',
      });
    }
    return this.source.load(signal);
  }

  /** The current schema. */
  schema(): Schema {
    return currentSchema(this.metadata);
  }

  /** Every schema the table has had. */
  schemas(): readonly Schema[] {
    return this.metadata.schemas;
  }

  /** Every snapshot, oldest first as recorded. */
  snapshots(): readonly Snapshot[] {
    return this.metadata.snapshots;
  }

  /** The current snapshot, or undefined for a table without snapshots. */
  currentSnapshot(): Snapshot | undefined {
    const id = this.metadata.currentSnapshotId;
    return id === undefined ? undefined : this.metadata.snapshots.find((s) => s.snapshotId === id);
  }

  /** The partition specs. */
  specs(): readonly PartitionSpec[] {
    return this.metadata.specs;
  }

  /** The table properties. */
  properties(): Readonly<Record<string, string>> {
    return this.metadata.properties;
  }

  /** The default name mapping (`schema.name-mapping.default`), when the table has one. */
  nameMapping(): NameMapping | undefined {
    return nameMappingFromProperties(this.metadata.properties);
  }

  /**
   * Describes a scan; nothing is read until one of its methods runs.
   *
   * @param options Columns, filter, snapshot choice and tunables.
   */
  scan(options: TableScanOptions = {}): TableScan {
    return new TableScan(this, options);
  }

  /**
   * Tails the table: a cold Observable of the append snapshots committed after `fromSnapshotId`
   * (default: the current snapshot), each a `TableCommit` with its rows as `batches`, in commit
   * order, found by polling `refresh()` every `pollInterval` ms. The next commit comes once the
   * previous one's `batches` subscription ended (`concatMap`), so reading never runs ahead of the
   * consumer. Errors: `not_found` (start snapshot expired), `non_append_snapshot` (an overwrite or
   * delete, unless `skipNonAppends`), the refresh's code once its retries are spent, `aborted`.
   *
   * ```text
   * commits:   --a-----------b---
   * concatMap(c => c.batches)
   * output:    ---1-2|        -3|   (a's rows; b's rows; the checkpoint of each is c.checkpoint)
   * ```
   *
   * @param options Start, interval, non-append handling, retry budget and each commit's scan options.
   */
  watch(options: WatchOptions = {}): Observable<TableCommit> {
    return watchTable(this, options);
  }
}
