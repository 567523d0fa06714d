/**
 * Runs one EXPECTED.json expectation against iceberg-rx: loads the table the way the engine's test
 * did (metadata file, version, snapshot, time), scans, and compares after normalising formats.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Field, RecordBatch } from 'apache-arrow';
import { encodeColumnJson, jsonEncoderFor } from '../../src/format/json-encoder.ts';
import { loadTable, type LoadTableOptions } from '../../src/table/load-table.ts';
import type { TableScanOptions } from '../../src/table/table-scan.ts';
import { locationMapFor, tableDir, type Expectation } from './fixtures.ts';
import { cellKindOf, cellMatches, zonedWallClock, type CellContext, type CellKind } from './normalise.ts';

/** The outcome of one expectation. */
export interface Outcome {
  readonly pass: boolean;
  /** Why it failed (error code and message, or the first mismatch). */
  readonly reason: string;
  /** The error code when the scan failed with an error, rather than returning other rows. */
  readonly errorCode?: string;
}

/** Where the expectation's table is read from, when not from the local fixtures folder. */
export interface ExpectationSource {
  /**
   * Maps a local fixture location (the table location, or a locationMap target) to where the same
   * bytes are served (`s3://…`, `http://…`); may resolve a folder to its current metadata file.
   */
  readonly locate: (local: string, locationMap: Record<string, string> | undefined) => string | Promise<string>;
  /** The same for locationMap targets (no folder resolution). */
  readonly rebase: (local: string) => string;
  /** FileIO properties for `loadTable` (`s3.endpoint`, credentials). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Retry and stall options of the default FileIO. */
  readonly fileIO?: LoadTableOptions['fileIO'];
}

/**
 * Runs `e` and reports whether the scan matched. Never throws.
 *
 * @param e The expectation.
 * @param source Read the table from a remote copy of the fixtures instead (S3, HTTP).
 */
export async function runExpectation(e: Expectation, source?: ExpectationSource): Promise<Outcome> {
  try {
    return await run(e, source);
  } catch (error) {
    const err = error as { code?: string; message?: string };
    return { pass: false, reason: `${err.code ?? 'crash'}: ${err.message ?? String(error)}`, errorCode: err.code ?? 'crash' };
  }
}

async function run(e: Expectation, source?: ExpectationSource): Promise<Outcome> {
  const localMap = locationMapFor(e.table);
  const table =
    source === undefined
      ? await loadTable(tableLocation(e), { locationMap: localMap })
      : await loadTable(await source.locate(tableLocation(e), localMap), {
          ...(localMap !== undefined ? { locationMap: Object.fromEntries(Object.entries(localMap).map(([k, v]) => [k, source.rebase(v)])) } : {}),
          ...(source.properties !== undefined ? { properties: source.properties } : {}),
          ...(source.fileIO !== undefined ? { fileIO: source.fileIO } : {}),
        });
  const options: Record<string, unknown> = {
    caseSensitive: !e.engine.startsWith('Impala'),
  };
  if (e.snapshot_id !== null && e.snapshot_id !== undefined) options.snapshotId = String(e.snapshot_id);
  if (e.as_of_timestamp) options.asOf = `${e.as_of_timestamp.replace(' ', 'T')}Z`;
  if (e.filter) options.filter = sessionFilter(e);

  if (e.kind === 'count') {
    const n = await table.scan(options as TableScanOptions).count();
    return n === Number(e.expected) ? ok() : fail(`count ${n}, expected ${String(e.expected)}`);
  }

  const orderBy = orderKeys(e);
  if (e.columns) options.select = e.columns;
  if (e.limit !== null && orderBy === undefined) options.limit = e.limit;
  const scan = table.scan(options as TableScanOptions);
  const table$ = await scan.toTable();
  const batches = table$.batches;
  const fields = table$.schema.fields;
  const columns = (e.columns ?? fields.map((f) => f.name)).map((c) => locateColumn(c, fields));
  const kinds = columns.map((c) => cellKindOf(c.leaf));
  let rows = rowsOf(batches, fields).map((row) => columns.map((c) => c.extract(row)));
  if (orderBy !== undefined && e.limit !== null) {
    rows = sortRows(rows, orderBy).slice(0, e.limit);
  }
  const expected = e.expected as unknown[][];
  const ordered = e.kind === 'rows_ordered' && orderBy === undefined;
  const zone = /SET\s+TIME_?ZONE\s*=\s*'([^']+)'/i.exec(e.notes)?.[1];
  const context: CellContext = {
    ...(zone !== undefined && zone.toUpperCase() !== 'UTC' ? { timeZone: zone } : {}),
    nullStringIsNull: /prints NULL STRING values as 'NULL'/.test(e.notes),
  };
  const leaves = columns.map((c) => c.leaf);
  return compareRows(rows, expected, kinds, { ordered, subset: e.subset === true, context, leaves });
}

/**
 * The filter as iceberg-rx must read it. Impala reads timestamp literals in its session time zone
 * (the notes say so); such literals are rewritten to UTC instants (`…Z`) so they mean the same.
 */
function sessionFilter(e: Expectation): string {
  const filter = e.filter!;
  const zone = /SET\s+TIME_?ZONE\s*=\s*'([^']+)'.*interprets timestamp literals in this zone/i.exec(e.notes)?.[1];
  if (zone === undefined || zone.toUpperCase() === 'UTC') return filter;
  return filter.replace(/'(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)'/g, (_, d: string, t: string) => `'${zonedToUtc(`${d}T${t}`, zone)}'`);
}

/** The UTC instant (ISO, `Z`) of wall-clock time `local` in `timeZone`. */
function zonedToUtc(local: string, timeZone: string): string {
  const asUtc = Date.parse(`${local}Z`);
  const offsetAt = (ms: number) => Date.parse(`${zonedWallClock(ms, timeZone)}Z`) - (ms - (ms % 1000));
  let utc = asUtc - offsetAt(asUtc);
  utc = asUtc - offsetAt(utc);
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

/** Where to load the expectation's table from: its metadata file, `version`, or the folder. */
function tableLocation(e: Expectation): string {
  const dir = tableDir(e.table);
  const opts = e.scan_options ?? {};
  if (opts.metadata_file) return join(dir, opts.metadata_file);
  if (opts.version) {
    const gz = opts.metadata_compression_codec === 'gzip' ? '.gz' : '';
    for (const name of [`v${opts.version}${gz}.metadata.json`, `${opts.version}${gz}.metadata.json`]) {
      const p = join(dir, 'metadata', name);
      if (existsSync(p)) return p;
    }
  }
  return dir;
}

/** Where a selected column's values are in the scan output, and its leaf Arrow field. */
interface LocatedColumn {
  readonly leaf: Field;
  extract(row: unknown[]): unknown;
}

/**
 * Finds a selected column in the scan output: by its whole name, else (for a dotted path such as
 * `j.f2`) inside the top-level struct the projection returns for it, descending to the leaf as
 * SQL engines print it. Names match case-insensitively as a fallback (Impala lower-cases them).
 */
function locateColumn(column: string, fields: Field[]): LocatedColumn {
  const find = (list: readonly Field[], name: string) =>
    list.findIndex((f) => f.name === name) >= 0
      ? list.findIndex((f) => f.name === name)
      : list.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  const whole = find(fields, column);
  if (whole >= 0 || !column.includes('.')) {
    const index = whole >= 0 ? whole : 0;
    return { leaf: fields[index]!, extract: (row) => row[index] };
  }
  const [head, ...rest] = column.split('.');
  const index = find(fields, head!);
  if (index < 0) return { leaf: fields[0]!, extract: () => undefined };
  let leaf: Field = fields[index]!;
  for (const key of rest) {
    const children = (leaf.type.children ?? []) as Field[];
    const child = children[find(children, key)];
    if (child === undefined) break;
    leaf = child;
  }
  return {
    leaf,
    extract: (row) => {
      let cur: unknown = row[index];
      for (const key of rest) {
        if (cur === null || typeof cur !== 'object') return null;
        const entries = Object.entries(cur as Record<string, unknown>);
        const hit = entries.find(([k]) => k === key) ?? entries.find(([k]) => k.toLowerCase() === key.toLowerCase());
        cur = hit === undefined ? null : hit[1];
      }
      return cur;
    },
  };
}

function rowsOf(batches: RecordBatch[], fields: Field[]): unknown[][] {
  const encoders = fields.map((f) => jsonEncoderFor(f));
  // A variant cell stays JSON text, so a variant holding JSON null ("null") differs from SQL NULL (null).
  const variant = fields.map((f) => f.metadata.get('ARROW:extension:name') === 'arrow.parquet.variant');
  const rows: unknown[][] = [];
  for (const batch of batches) {
    const data = batch.data.children;
    const columns = encoders.map((enc, j) => encodeColumnJson(data[j]!, enc));
    for (let i = 0; i < batch.numRows; i++) {
      rows.push(columns.map((c, j) => (variant[j] && data[j]!.getValid(i) ? c[i]! : JSON.parse(c[i]!))));
    }
  }
  return rows;
}

/** ORDER BY keys of the query as (column index, descending); `undefined` without ORDER BY. */
function orderKeys(e: Expectation): { index: number; desc: boolean }[] | undefined {
  const m = /\border\s+by\s+(.+?)(?:\s+limit\s+\d+)?\s*;?\s*$/is.exec(e.query);
  if (!m) return undefined;
  const cols = e.columns ?? [];
  if (/^all$/i.test(m[1]!.trim())) return cols.map((_, index) => ({ index, desc: false }));
  return m[1]!.split(',').map((part) => {
    const [name, dir] = part.trim().split(/\s+/);
    const index = cols.findIndex((c) => c.toLowerCase() === name!.toLowerCase());
    return { index, desc: /^desc$/i.test(dir ?? '') };
  });
}

function sortRows(rows: unknown[][], keys: { index: number; desc: boolean }[]): unknown[][] {
  const cmp = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null) return 1; // NULLS LAST
    if (b === null) return -1;
    const na = Number(a);
    const nb = Number(b);
    if (!Number.isNaN(na) && !Number.isNaN(nb) && typeof a !== 'boolean') return na < nb ? -1 : na > nb ? 1 : 0;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  };
  return [...rows].sort((x, y) => {
    for (const k of keys) {
      if (k.index < 0) continue;
      const c = cmp(x[k.index], y[k.index]);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  });
}

function compareRows(
  actual: unknown[][],
  expected: unknown[][],
  kinds: CellKind[],
  mode: { ordered: boolean; subset: boolean; context: CellContext; leaves: Field[] },
): Outcome {
  const rowMatches = (a: unknown[], e: unknown[]) =>
    a.length === e.length && e.every((v, j) => cellMatches(a[j], v, kinds[j] ?? 'string', { ...mode.context, field: mode.leaves[j] }));
  if (!mode.subset && actual.length !== expected.length) {
    return fail(`${actual.length} rows, expected ${expected.length}; first rows ${show(actual.slice(0, 3))}`);
  }
  if (mode.ordered) {
    for (let i = 0; i < expected.length; i++) {
      if (actual[i] === undefined || !rowMatches(actual[i]!, expected[i]!)) {
        return fail(`row ${i}: got ${show(actual[i])}, expected ${show(expected[i])}`);
      }
    }
    return ok();
  }
  const used = new Array<boolean>(actual.length).fill(false);
  for (const e of expected) {
    const i = actual.findIndex((a, k) => !used[k] && rowMatches(a, e));
    if (i < 0) return fail(`no row matches ${show(e)}; got ${show(actual.slice(0, 4))}`);
    used[i] = true;
  }
  return ok();
}

function show(v: unknown): string {
  return JSON.stringify(v)?.slice(0, 400) ?? String(v);
}

function ok(): Outcome {
  return { pass: true, reason: '' };
}

function fail(reason: string): Outcome {
  return { pass: false, reason };
}
