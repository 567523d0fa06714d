/**
 * PyIceberg's `sql` catalog on SQLite (the `pyiceberg_catalog.db` its quick-start creates), read
 * only: tables `iceberg_tables` (catalog_name, table_namespace, table_name, metadata_location) and
 * `iceberg_namespace_properties`. Read through sql.js (SQLite compiled to WebAssembly, no native
 * build); the file is read again on every call, so `refresh()` sees new commits.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IcebergScanError } from '../errors.ts';
import { SchemeFileIO } from '../io/scheme-file-io.ts';
import { readMetadata } from '../table/load-table.ts';
import type { Table } from '../table/table.ts';
import { identifierText, parseNamespace, parseTableIdentifier, type Catalog, type CatalogLoadOptions, type Namespace, type TableIdentifier } from './catalog.ts';
import { catalogTable, type CatalogTableOptions } from './catalog-table.ts';
import { CLIENT_ONLY_PROPERTIES } from './rest-config.ts';

/** Options of a SQLite `sql` catalog (`connectCatalog({ type: 'sql', ... })`). */
export interface SqlCatalogOptions extends CatalogTableOptions {
  readonly type: 'sql';
  /** The catalog's name: rows of other catalogs in the same file are not seen (default `default`, PyIceberg's). */
  readonly name?: string;
  /** `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (SQLAlchemy's form), or a file path. */
  readonly uri: string;
  /** FileIO properties of the tables (`s3.endpoint`, ...). */
  readonly properties?: Readonly<Record<string, string>>;
}

interface SqlJsDatabase {
  exec(sql: string, params?: unknown[]): { columns: string[]; values: unknown[][] }[];
  close(): void;
}
interface SqlJsStatic {
  Database: new (data?: Uint8Array) => SqlJsDatabase;
}

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  // A computed specifier: sql.js ships no types, and bundles for browsers leave it out.
  const specifier = 'sql.js';
  sqlJs ??= import(specifier).then((m: { default: (config?: object) => Promise<SqlJsStatic> }) => m.default());
  return sqlJs;
}

/** The file of a SQLAlchemy SQLite URL (`sqlite:///rel.db` relative, `sqlite:////abs.db` absolute) or a path. */
export function sqliteFile(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  const m = /^sqlite(?:\+\w+)?:\/\/\/(.*)$/s.exec(uri);
  if (m === null) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
      throw new IcebergScanError('feature_unsupported', `sql catalog: only SQLite is supported, got ${uri.replace(/\/\/[^@/]*@/, '//…@')}`, { expected: 'sqlite:///path/to/catalog.db' });
    }
    return uri;
  }
  const path = m[1]!.replace(/\?.*$/, '');
  if (path === '' || path === ':memory:') throw new IcebergScanError('invalid_argument', 'sql catalog: an in-memory SQLite database cannot be read', { expected: 'sqlite:///path/to/catalog.db' });
  return path;
}

/** A PyIceberg SQLite catalog, read only. */
export class SqlCatalog implements Catalog {
  readonly type = 'sql';
  readonly name: string;
  private readonly file: string;
  private readonly properties: Record<string, string>;

  constructor(private readonly options: SqlCatalogOptions) {
    this.name = options.name ?? 'default';
    this.file = sqliteFile(options.uri);
    this.properties = Object.fromEntries(Object.entries(options.properties ?? {}).filter(([k]) => !CLIENT_ONLY_PROPERTIES.has(k) && k !== 'uri'));
  }

  async listNamespaces(parent?: string | Namespace): Promise<Namespace[]> {
    const levels = parent !== undefined ? parseNamespace(parent) : [];
    const rows = await this.query(
      'SELECT DISTINCT table_namespace FROM iceberg_tables WHERE catalog_name = ? UNION SELECT DISTINCT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?',
      [this.name, this.name],
    );
    const all = rows.map((r) => String(r[0]).split('.'));
    if (levels.length > 0 && !all.some((ns) => startsWith(ns, levels))) throw this.missingNamespace(levels);
    const children = new Map<string, Namespace>();
    for (const ns of all) {
      if (ns.length > levels.length && startsWith(ns, levels)) {
        const child = ns.slice(0, levels.length + 1);
        children.set(child.join('.'), child);
      }
    }
    return [...children.values()].sort((a, b) => a.join('.').localeCompare(b.join('.')));
  }

  async listTables(namespace: string | Namespace): Promise<TableIdentifier[]> {
    const levels = parseNamespace(namespace);
    const ns = levels.join('.');
    const [tables, known] = await this.queries([
      ['SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name', [this.name, ns]],
      ['SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? LIMIT 1', [this.name, ns]],
    ]);
    if (tables!.length === 0 && known!.length === 0) throw this.missingNamespace(levels);
    return tables!.map((r) => ({ namespace: levels, name: String(r[0]) }));
  }

  async loadTable(name: string | TableIdentifier, options: CatalogLoadOptions = {}): Promise<Table> {
    const id = parseTableIdentifier(name);
    const text = identifierText(id);
    const rows = await this.query('SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?', [this.name, id.namespace.join('.'), id.name]);
    const location = rows[0]?.[0];
    if (typeof location !== 'string' || location === '') {
      throw new IcebergScanError('not_found', `sql catalog ${this.name}: table ${text} not found`, { path: this.file, context: { catalog: this.name, table: text } });
    }
    const io = this.options.io ?? new SchemeFileIO({ ...this.options.fileIO, properties: this.properties });
    const metadata = await readMetadata(io, location, options.signal);
    const source = { name: `sql catalog ${this.name}: ${text}`, load: (signal?: AbortSignal) => this.loadTable(id, signal !== undefined ? { signal } : {}) };
    return catalogTable(metadata, location, this.properties, source, { ...this.options, io });
  }

  close(): void {
    // The file is read per call; nothing stays open.
  }

  private missingNamespace(levels: Namespace): IcebergScanError {
    return new IcebergScanError('not_found', `sql catalog ${this.name}: namespace ${levels.join('.')} not found`, { path: this.file, context: { catalog: this.name, namespace: levels.join('.') } });
  }

  private async query(sql: string, params: unknown[]): Promise<unknown[][]> {
    return (await this.queries([[sql, params]]))[0]!;
  }

  private async queries(list: [string, unknown[]][]): Promise<unknown[][][]> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new IcebergScanError(code === 'ENOENT' ? 'not_found' : 'io_failed', `sql catalog ${this.name}: cannot read the SQLite file`, { path: this.file, cause: error });
    }
    const SQL = await loadSqlJs();
    let db: SqlJsDatabase;
    try {
      db = new SQL.Database(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw new IcebergScanError('data_invalid', `sql catalog ${this.name}: not a SQLite database`, { path: this.file, cause: error });
    }
    try {
      return list.map(([sql, params]) => db.exec(sql, params)[0]?.values ?? []);
    } catch (error) {
      throw new IcebergScanError('data_invalid', `sql catalog ${this.name}: not a PyIceberg catalog (${(error as Error).message})`, { path: this.file, expected: 'tables iceberg_tables and iceberg_namespace_properties', cause: error });
    } finally {
      db.close();
    }
  }
}

function startsWith(ns: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => ns[i] === p);
}
