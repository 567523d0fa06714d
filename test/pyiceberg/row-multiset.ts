/**
 * Rows in iceberg-rx's NDJSON encoding, compared as canonical JSON text: exactly, as multisets, or as a sub-multiset.
 */
import type { Table } from 'apache-arrow';
import { createNdjsonFormatter } from '../../src/format/ndjson.ts';

/** A row as JSON (NDJSON value encoding). */
export type JsonRow = Record<string, unknown>;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** Canonical text of a row: object keys sorted at every depth (struct key order is not compared). */
export function canonicalRow(row: unknown): string {
  return JSON.stringify(sortKeys(row));
}

/** Formats every row of an Arrow table with the NDJSON formatter of src/format and parses it back. */
export function tableRows(table: Table): JsonRow[] {
  const rows: JsonRow[] = [];
  for (const batch of table.batches) {
    if (batch.numRows === 0) continue;
    const text = createNdjsonFormatter(batch.schema)(batch);
    for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as JsonRow);
  }
  return rows;
}

/** Canonical texts of the rows, sorted: two multisets are equal when these arrays are equal. */
export function sortedCanonical(rows: readonly unknown[]): string[] {
  return rows.map(canonicalRow).sort();
}

/** Canonical texts of `part` that are missing from `whole` (counting multiplicity); empty when `part` ⊆ `whole`. */
export function notContained(part: readonly unknown[], whole: readonly unknown[]): string[] {
  const counts = new Map<string, number>();
  for (const row of whole) {
    const key = canonicalRow(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const missing: string[] = [];
  for (const row of part) {
    const key = canonicalRow(row);
    const left = counts.get(key) ?? 0;
    if (left === 0) missing.push(key);
    else counts.set(key, left - 1);
  }
  return missing;
}
