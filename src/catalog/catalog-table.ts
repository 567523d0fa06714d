/**
 * A catalog's table as a `Table`: the metadata the catalog returned (or read from the metadata
 * location it stores), the table's FileIO built from its properties, and a `TableSource` that asks
 * the catalog again on `refresh()`.
 */
import type { FileIO } from '../io/input-file.ts';
import { SchemeFileIO, type SchemeFileIOOptions } from '../io/scheme-file-io.ts';
import { TableFileIO } from '../io/table-file-io.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import { defaultScanPlugins } from '../table/default-plugins.ts';
import type { ScanPlugins } from '../table/scan-plugins.ts';
import { Table, type TableSource } from '../table/table.ts';

/** How a catalog's tables are read: FileIO tunables, plugins and location options of `loadTable`. */
export interface CatalogTableOptions {
  /** Retry budget, stall timeout and further S3/HTTP options of each table's FileIO. */
  readonly fileIO?: Omit<SchemeFileIOOptions, 'properties'>;
  /** A FileIO to use instead of one built from the table's properties (vended credentials are then not used). */
  readonly io?: FileIO;
  /** Prefix maps for files recorded outside the table location (see `LoadTableOptions.locationMap`). */
  readonly locationMap?: Readonly<Record<string, string>>;
  /** Locations outside the table that may be read (see `LoadTableOptions.allowedLocations`). */
  readonly allowedLocations?: readonly string[] | '*';
  /** Filter and delete stages (default `defaultScanPlugins()`). */
  readonly plugins?: ScanPlugins;
}

/**
 * Builds the `Table` of a catalog entry.
 *
 * @param metadata The parsed metadata.
 * @param metadataLocation Where it was read from (or the catalog's name of it, when it sent none).
 * @param properties The table's FileIO properties (catalog properties, table config, vended credentials).
 * @param source Where `refresh()` loads the next version.
 * @param options FileIO tunables, plugins, location options.
 */
export function catalogTable(metadata: TableMetadata, metadataLocation: string, properties: Readonly<Record<string, string>>, source: TableSource, options: CatalogTableOptions = {}): Table {
  const io = options.io ?? new SchemeFileIO({ ...options.fileIO, properties });
  const tableIO = new TableFileIO(io, {
    root: metadata.location,
    recordedLocations: [metadata.location],
    ...(options.locationMap !== undefined ? { locationMap: options.locationMap } : {}),
    ...(options.allowedLocations !== undefined ? { allowedLocations: options.allowedLocations } : {}),
  });
  return new Table(metadata, tableIO, metadataLocation, options.plugins ?? defaultScanPlugins(), source);
}
