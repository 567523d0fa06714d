/**
 * `Table`: a loaded Iceberg table (metadata plus the `FileIO` that resolves its files) and the
 * entry point of scans.
 */
import type { TableFileIO } from '../io/table-file-io.ts';
import { nameMappingFromProperties, type NameMapping } from '../metadata/name-mapping.ts';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { Schema } from '../metadata/schema.ts';
import type { Snapshot } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import type { ScanPlugins } from './scan-plugins.ts';
import { currentSchema } from './select-snapshot.ts';
import { TableScan, type TableScanOptions } from './table-scan.ts';

export type { ScanPlugins } from './scan-plugins.ts';

/** A loaded table. Immutable: reload to see new commits. */
export class Table {
  /**
   * @param metadata The parsed table metadata.
   * @param io Resolves and opens the table's files (moved-table aware).
   * @param metadataLocation The metadata file this table was loaded from.
   * @param plugins Filter and delete stages used by scans.
   */
  constructor(
    readonly metadata: TableMetadata,
    readonly io: TableFileIO,
    readonly metadataLocation: string,
    readonly plugins: ScanPlugins = {},
  ) {}

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
}
