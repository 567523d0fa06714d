/**
 * What every table command shares: loading the named table with the command line's location
 * options, and the scan options of filter, snapshot choice and name matching.
 */
import { loadTable } from '../table/load-table.ts';
import type { Table } from '../table/table.ts';
import type { TableScanOptions } from '../table/table-scan.ts';
import type { SnapshotChoice } from './parse-command-line.ts';
import { loadCatalogTable, namesCatalog, type CatalogChoice } from './catalog-options.ts';

/** The location options of a command line (`<table>`, `--map`, `--allow-location`, `--prop`). */
export interface TableLocationOptions extends CatalogChoice {
  readonly table: string;
  readonly locationMap: Record<string, string>;
  readonly allowedLocations?: readonly string[] | '*';
  readonly properties: Record<string, string>;
}

/** Loads the command's table: `ns.table` from the catalog of `-c` / `--uri`, else a location. */
export function loadCommandTable(options: TableLocationOptions): Promise<Table> {
  if (namesCatalog(options)) return loadCatalogTable(options, options.table, options);
  return loadTable(options.table, {
    locationMap: options.locationMap,
    properties: options.properties,
    ...(options.allowedLocations !== undefined ? { allowedLocations: options.allowedLocations } : {}),
  });
}

/** `--filter`, `--snapshot` / `--ref` / `--as-of` and `--case-insensitive` as scan options. */
export function commandScanOptions(options: SnapshotChoice & { readonly filter?: string; readonly caseSensitive: boolean }, signal: AbortSignal): TableScanOptions {
  return {
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
    ...(options.fromSnapshotId !== undefined ? { fromSnapshotId: options.fromSnapshotId } : {}),
    ...(options.toSnapshotId !== undefined ? { toSnapshotId: options.toSnapshotId } : {}),
    ...(options.skipNonAppends === true ? { skipNonAppends: true } : {}),
    caseSensitive: options.caseSensitive,
    signal,
  };
}
