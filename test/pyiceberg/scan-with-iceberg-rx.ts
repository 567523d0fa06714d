/**
 * Runs one recorded scan (select, filter text, snapshot id, ref, limit) through iceberg-rx's public table API.
 */
import { loadTable } from '../../src/table/load-table.ts';
import { tableRows, type JsonRow } from './row-multiset.ts';

/** A scan as both cross-check directions record it (snapshot ids as decimal strings: they exceed 2^53). */
export interface ScanRequest {
  readonly select?: readonly string[] | null;
  readonly filter?: string | null;
  readonly snapshotId?: string | null;
  readonly ref?: string | null;
  readonly limit?: number | null;
  /** Default true. */
  readonly caseSensitive?: boolean;
}

/** Column names and rows (NDJSON encoding) of a scan. */
export interface ScanRows {
  readonly columns: string[];
  readonly rows: JsonRow[];
}

/**
 * Loads the table at `metadataLocation` with `loadTable`'s defaults (the library's filter and delete
 * plugins) and returns the rows of `scan`, formatted by src/format.
 */
export async function scanWithIcebergRx(metadataLocation: string, scan: ScanRequest): Promise<ScanRows> {
  const table = await loadTable(metadataLocation);
  const result = await table
    .scan({
      ...(scan.select ? { select: [...scan.select] } : {}),
      ...(scan.filter ? { filter: scan.filter } : {}),
      ...(scan.snapshotId ? { snapshotId: BigInt(scan.snapshotId) } : {}),
      ...(scan.ref ? { ref: scan.ref } : {}),
      ...(scan.limit !== null && scan.limit !== undefined ? { limit: scan.limit } : {}),
      ...(scan.caseSensitive === false ? { caseSensitive: false } : {}),
    })
    .toTable();
  return { columns: result.schema.fields.map((f) => f.name as string), rows: tableRows(result) };
}
