/**
 * `connectCatalog`: a catalog from options (`{ type: 'rest', uri, ... }`, `{ type: 'sql', uri }`)
 * or by the name PyIceberg's configuration gives it (`.pyiceberg.yaml`, `PYICEBERG_CATALOG__*`).
 */
import { IcebergScanError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import type { CatalogTableOptions } from './catalog-table.ts';
import { pyIcebergCatalogProperties, type PyIcebergConfigSources } from './pyiceberg-config.ts';
import { RestCatalog, type RestCatalogOptions } from './rest-catalog.ts';
import type { RestRetryOptions } from './rest-http.ts';
import { SqlCatalog, type SqlCatalogOptions } from './sql-catalog.ts';

/** The options of {@link connectCatalog}: a REST or a SQLite `sql` catalog. */
export type CatalogOptions = RestCatalogOptions | SqlCatalogOptions;

/** Options of {@link connectCatalog} when the catalog is named: what is added to its configured properties. */
export interface NamedCatalogOptions extends CatalogTableOptions {
  /** Properties over the configured ones (the CLI's `--prop`). */
  readonly properties?: Readonly<Record<string, string>>;
  /** A bearer token over the configured `token`. */
  readonly token?: string;
  /** OAuth2 client credentials over the configured `credential`. */
  readonly credential?: string;
  /** Retries of REST requests. */
  readonly retry?: RestRetryOptions;
  /** Milliseconds before one REST request is abandoned. */
  readonly requestTimeoutMs?: number;
  /** Where PyIceberg's configuration is read from (default: the process's environment and home). */
  readonly config?: PyIcebergConfigSources;
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
}

/**
 * Connects to a catalog.
 *
 * - `connectCatalog({ type: 'rest', uri, warehouse, credential, token, properties })`: an Iceberg
 *   REST catalog; `GET /v1/config` is fetched now and merged with `properties`.
 * - `connectCatalog({ type: 'sql', uri: 'sqlite:///pyiceberg_catalog.db' })`: PyIceberg's SQLite catalog, read only.
 * - `connectCatalog('prod')`: catalog `prod` of `.pyiceberg.yaml` (`$PYICEBERG_HOME`, home or
 *   working directory) and `PYICEBERG_CATALOG__PROD__*` variables, as PyIceberg's `load_catalog('prod')`.
 *
 * Throws `not_found` for an unconfigured name, `feature_unsupported` for other catalog types
 * (hive, glue, ...), `invalid_argument` for a missing `uri`, and the REST errors of `GET /v1/config`
 * (`unauthorized`, `forbidden`, `unavailable`).
 *
 * @param catalog Options, or the name of a configured catalog.
 * @param options With a name: properties, token or credential over the configured ones.
 * @returns The connected catalog.
 */
export async function connectCatalog(catalog: CatalogOptions | string, options: NamedCatalogOptions = {}): Promise<Catalog> {
  if (typeof catalog !== 'string') return connectWith(catalog);
  const { config, properties, token, credential, ...rest } = options;
  const props: Record<string, string> = {
    ...pyIcebergCatalogProperties(catalog, config),
    ...properties,
    ...(token !== undefined ? { token } : {}),
    ...(credential !== undefined ? { credential } : {}),
  };
  const type = props.type ?? 'rest';
  if (type === 'rest') return RestCatalog.connect({ ...rest, type: 'rest', name: catalog, uri: props.uri ?? '', properties: props });
  if (type === 'sql') return new SqlCatalog({ ...rest, type: 'sql', name: catalog, uri: props.uri ?? '', properties: props });
  throw unsupported(type, catalog);
}

function connectWith(options: CatalogOptions): Promise<Catalog> {
  const type = (options as { type?: unknown }).type;
  if (type === 'rest') return RestCatalog.connect(options as RestCatalogOptions);
  if (type === 'sql') {
    const sql = options as SqlCatalogOptions;
    if (typeof sql.uri !== 'string' || sql.uri === '') throw new IcebergScanError('invalid_argument', 'sql catalog: uri is required', { expected: 'sqlite:///path/to/catalog.db' });
    return Promise.resolve(new SqlCatalog(sql));
  }
  return Promise.reject(unsupported(String(type), options.name ?? '(unnamed)'));
}

function unsupported(type: string, name: string): IcebergScanError {
  return new IcebergScanError('feature_unsupported', `catalog ${name}: type ${type} is not supported`, { expected: 'type rest (Iceberg REST catalog) or sql (PyIceberg SQLite catalog)' });
}
