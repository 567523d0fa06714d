/**
 * What every catalog offers (`connectCatalog` returns one): namespaces and tables listed, a table
 * loaded by name as the same `Table` that `loadTable` returns. Plus the parsing of `ns.table` names.
 */
import { IcebergScanError } from '../errors.ts';
import type { Table } from '../table/table.ts';

/** A namespace: its levels, outermost first (`['analytics']`, `['prod', 'analytics']`). */
export type Namespace = readonly string[];

/** A table's name in a catalog: its namespace and its own name. */
export interface TableIdentifier {
  readonly namespace: Namespace;
  readonly name: string;
}

/** Options of {@link Catalog.loadTable}. */
export interface CatalogLoadOptions {
  /** Aborts the request (and the metadata read, for catalogs that store only a metadata location). */
  readonly signal?: AbortSignal;
}

/** A connected catalog. */
export interface Catalog {
  /** What the catalog is called in messages: its configured name, or its URI. */
  readonly name: string;
  /** The catalog's type (`rest`, `sql`). */
  readonly type: string;
  /**
   * The namespaces directly under `parent` (default: the top level), every page of them.
   *
   * @param parent A namespace (`'a.b'` or `['a', 'b']`).
   * @param signal Aborts the listing.
   */
  listNamespaces(parent?: string | Namespace, signal?: AbortSignal): Promise<Namespace[]>;
  /**
   * The tables of a namespace, every page of them. Throws `not_found` when it does not exist.
   *
   * @param namespace A namespace (`'a.b'` or `['a', 'b']`).
   * @param signal Aborts the listing.
   */
  listTables(namespace: string | Namespace, signal?: AbortSignal): Promise<TableIdentifier[]>;
  /**
   * Loads a table by name: `'ns.table'` (the last dot separates the table from its namespace), or
   * an identifier. `table.refresh()` asks this catalog again. Throws `not_found` for an unknown
   * namespace or table, `unauthorized` / `forbidden` when the catalog refuses, `unavailable` when
   * it cannot be reached within its retries.
   *
   * @param name The table's name.
   * @param options Abort signal.
   */
  loadTable(name: string | TableIdentifier, options?: CatalogLoadOptions): Promise<Table>;
  /** Releases what the catalog itself holds (today nothing stays open: requests use the global `fetch` pool, the SQLite file is read per call). Loaded tables keep their own FileIO. */
  close(): void;
}

/**
 * Splits a dotted namespace `a.b` into its levels; an array is taken as it is.
 *
 * @param namespace `'a.b'` or `['a', 'b']`.
 */
export function parseNamespace(namespace: string | Namespace): Namespace {
  const levels = typeof namespace === 'string' ? namespace.split('.') : [...namespace];
  if (levels.length === 0 || levels.some((l) => typeof l !== 'string' || l === '')) {
    throw new IcebergScanError('invalid_argument', `not a namespace: ${JSON.stringify(namespace)}`, { expected: 'dot-separated non-empty names, e.g. analytics or prod.analytics' });
  }
  return levels;
}

/**
 * Parses a table name `ns.table` (`a.b.table`: namespace `a.b`); an identifier is checked and kept.
 *
 * @param name The table name.
 */
export function parseTableIdentifier(name: string | TableIdentifier): TableIdentifier {
  if (typeof name !== 'string') {
    if (typeof name?.name !== 'string' || name.name === '') throw new IcebergScanError('invalid_argument', 'table identifier without a name', { expected: '{ namespace, name }' });
    return { namespace: parseNamespace(name.namespace), name: name.name };
  }
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new IcebergScanError('invalid_argument', `not a table name: ${JSON.stringify(name)}`, { expected: 'namespace.table, e.g. analytics.events' });
  }
  return { namespace: parseNamespace(name.slice(0, dot)), name: name.slice(dot + 1) };
}

/** `a.b.table`: the dotted text of an identifier. */
export function identifierText(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}
