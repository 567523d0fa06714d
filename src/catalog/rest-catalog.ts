/**
 * The Iceberg REST catalog client (OpenAPI spec `rest-catalog-open-api.yaml`): `GET /v1/config`
 * merged with the user's properties, namespaces and tables listed page by page, and `loadTable`
 * asking for vended credentials (`X-Iceberg-Access-Delegation: vended-credentials`) so that the
 * table's `config` and `storage-credentials` configure its FileIO.
 */
import type { FileIO } from '../io/input-file.ts';
import { SchemeFileIO } from '../io/scheme-file-io.ts';
import { parseJsonExact } from '../metadata/parse-json-exact.ts';
import { tableMetadataFromJson } from '../metadata/table-metadata.ts';
import type { Table } from '../table/table.ts';
import { identifierText, parseNamespace, parseTableIdentifier, type Catalog, type CatalogLoadOptions, type Namespace, type TableIdentifier } from './catalog.ts';
import { catalogTable, type CatalogTableOptions } from './catalog-table.ts';
import { OAuth2Session } from './oauth2-token.ts';
import { malformedError, safeUrl, schemaError, type RequestSubject } from './rest-errors.ts';
import { RestHttp, type RestRetryOptions } from './rest-http.ts';
import {
  CLIENT_ONLY_PROPERTIES, catalogBaseUri, encodeNamespace, headerProperties, mergeConfig, namespaceSeparator, positiveIntProperty, prefixPath,
} from './rest-config.ts';
import { ConfigResponse, ListNamespacesResponse, ListTablesResponse, LoadTableResponse } from './rest-schemas.ts';
import { tableIOProperties } from './storage-credentials.ts';
import type { z } from 'zod';

/** Options of a REST catalog (`connectCatalog({ type: 'rest', ... })`). */
export interface RestCatalogOptions extends CatalogTableOptions {
  readonly type: 'rest';
  /** The catalog's name in messages (default: its URI). */
  readonly name?: string;
  /** The catalog's base URI, `http(s)://host:port[/path]` (the part before `/v1/`). */
  readonly uri: string;
  /** The warehouse to ask `GET /v1/config` for (`?warehouse=`), when the server serves several. */
  readonly warehouse?: string;
  /** OAuth2 client credentials `client_id:client_secret`, exchanged for a token (`oauth2-server-uri`, `scope`). */
  readonly credential?: string;
  /** A bearer token. With `credential` too, it is used first and renewed through the credential. */
  readonly token?: string;
  /**
   * Further properties, PyIceberg's names: `header.<Name>` request headers, `oauth2-server-uri`,
   * `scope`, `rest-page-size`, and FileIO properties (`s3.endpoint`, `s3.region`, ...) for the tables.
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** Retries of catalog requests (default 4 attempts within 30 s of waiting). */
  readonly retry?: RestRetryOptions;
  /** Milliseconds before one catalog request is abandoned (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** The `fetch` to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
}

/** How many distinct table FileIOs a REST catalog keeps for reuse. */
const FILE_IO_CACHE_SIZE = 8;

type Paged<K extends string, T> = { [key in K]: T[] } & { 'next-page-token'?: string | null | undefined };

/** A connected REST catalog. Use `connectCatalog` to make one. */
export class RestCatalog implements Catalog {
  readonly type = 'rest';
  private readonly tableIOs = new Map<string, FileIO>();

  private constructor(
    readonly name: string,
    private readonly http: RestHttp,
    private readonly base: string,
    private readonly properties: Readonly<Record<string, string>>,
    private readonly options: RestCatalogOptions,
  ) {}

  /**
   * Connects: fetches `GET /v1/config` and merges it with the options' properties.
   *
   * @param options URI, auth, properties, retries.
   */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    const client: Record<string, string> = {
      ...options.properties,
      ...(options.uri !== undefined ? { uri: options.uri } : {}),
      ...(options.warehouse !== undefined ? { warehouse: options.warehouse } : {}),
      ...(options.credential !== undefined ? { credential: options.credential } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
    };
    const name = options.name ?? safeUrl(client.uri ?? '').replace(/\/+$/, '');
    const uri = catalogBaseUri(client.uri, name);
    const http = new RestHttp({ authorization: async () => undefined, refreshAfterRefusal: async () => false }, {
      headers: headerProperties(client),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    });
    const session = (props: Record<string, string>, base: string) =>
      new OAuth2Session(http, {
        catalog: name,
        ...(props.credential !== undefined ? { credential: props.credential } : {}),
        ...(props.token !== undefined ? { token: props.token } : {}),
        tokenUri: props['oauth2-server-uri'] ?? `${base}/v1/oauth/tokens`,
        ...(props.scope !== undefined ? { scope: props.scope } : {}),
      });
    http.setAuth(session(client, uri));
    const query = client.warehouse !== undefined ? `?${new URLSearchParams({ warehouse: client.warehouse })}` : '';
    const subject: RequestSubject = { catalog: name, action: 'get config' };
    const { text } = await http.send({ method: 'GET', url: `${uri}/v1/config${query}`, subject, signal: options.signal });
    const config = parseBody(text, ConfigResponse, subject, 'a CatalogConfig (defaults, overrides)');
    const merged = mergeConfig(config.defaults, client, config.overrides);
    http.setHeaders(headerProperties(merged));
    const base = merged.uri !== undefined && merged.uri !== client.uri ? catalogBaseUri(merged.uri, name) : uri;
    return new RestCatalog(name, http, `${base}/v1${prefixPath(merged.prefix)}`, merged, options);
  }

  /** The merged properties (server defaults, the client's, server overrides), without token and credential. */
  get config(): Readonly<Record<string, string>> {
    return Object.fromEntries(Object.entries(this.properties).filter(([k]) => !CLIENT_ONLY_PROPERTIES.has(k)));
  }

  async listNamespaces(parent?: string | Namespace, signal?: AbortSignal): Promise<Namespace[]> {
    const levels = parent !== undefined ? parseNamespace(parent) : undefined;
    const subject: RequestSubject = { catalog: this.name, action: 'list namespaces', ...(levels !== undefined ? { namespace: levels.join('.') } : {}) };
    const query: Record<string, string> = levels !== undefined ? { parent: levels.join(namespaceSeparator(this.properties)) } : {};
    return this.pages(`${this.base}/namespaces`, query, subject, ListNamespacesResponse, 'namespaces', 'a ListNamespacesResponse', signal);
  }

  async listTables(namespace: string | Namespace, signal?: AbortSignal): Promise<TableIdentifier[]> {
    const levels = parseNamespace(namespace);
    const subject: RequestSubject = { catalog: this.name, action: 'list tables of', namespace: levels.join('.') };
    const ids = await this.pages(`${this.base}/namespaces/${this.namespacePath(levels)}/tables`, {}, subject, ListTablesResponse, 'identifiers', 'a ListTablesResponse', signal);
    return ids.map((i) => ({ namespace: i.namespace, name: i.name }));
  }

  async loadTable(name: string | TableIdentifier, options: CatalogLoadOptions = {}): Promise<Table> {
    const id = parseTableIdentifier(name);
    const text = identifierText(id);
    const subject: RequestSubject = { catalog: this.name, action: 'load table', namespace: id.namespace.join('.'), table: text };
    const url = `${this.base}/namespaces/${this.namespacePath(id.namespace)}/tables/${encodeURIComponent(id.name)}`;
    const delegationSet = Object.keys(this.properties).some((k) => k.toLowerCase() === 'header.x-iceberg-access-delegation');
    const response = await this.http.send({
      method: 'GET',
      url,
      subject,
      headers: delegationSet ? {} : { 'X-Iceberg-Access-Delegation': 'vended-credentials' },
      signal: options.signal,
    });
    const result = parseBody(response.text, LoadTableResponse, subject, 'a LoadTableResult (metadata, config, storage-credentials)', true);
    const metadataLocation = result['metadata-location'] ?? `${this.name}:${text}`;
    const metadata = tableMetadataFromJson(result.metadata, metadataLocation);
    const properties = tableIOProperties(this.config, result.config, metadata.location, result['storage-credentials']);
    const source = { name: `rest catalog ${this.name}: ${text}`, load: (signal?: AbortSignal) => this.loadTable(id, signal !== undefined ? { signal } : {}) };
    return catalogTable(metadata, metadataLocation, properties, source, { ...this.options, io: this.options.io ?? this.fileIOFor(properties) });
  }

  /**
   * One FileIO per distinct set of table properties, so that a table refreshed every second (a
   * watch) keeps its S3 clients and connections while its vended credentials stay the same. The
   * oldest of more than {@link FILE_IO_CACHE_SIZE} is dropped, not destroyed: a table loaded
   * earlier may still be reading through it.
   */
  private fileIOFor(properties: Readonly<Record<string, string>>): FileIO {
    const key = JSON.stringify(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let io = this.tableIOs.get(key);
    if (io !== undefined) {
      this.tableIOs.delete(key);
    } else {
      io = new SchemeFileIO({ ...this.options.fileIO, properties });
      if (this.tableIOs.size >= FILE_IO_CACHE_SIZE) this.tableIOs.delete(this.tableIOs.keys().next().value!);
    }
    this.tableIOs.set(key, io);
    return io;
  }

  close(): void {
    // Nothing held: requests use the global fetch's connection pool.
  }

  private namespacePath(levels: Namespace): string {
    return encodeNamespace(levels, namespaceSeparator(this.properties));
  }

  /** Every page of a listing: `pageToken` from each `next-page-token`, `pageSize` from `rest-page-size`. */
  private async pages<K extends 'namespaces' | 'identifiers', T>(
    url: string,
    query: Record<string, string>,
    subject: RequestSubject,
    schema: z.ZodType<Paged<K, T>>,
    key: K,
    expected: string,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const pageSize = positiveIntProperty(this.properties, 'rest-page-size');
    const out: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (;;) {
      const params = new URLSearchParams(query);
      if (pageSize !== undefined) params.set('pageSize', String(pageSize));
      if (token !== undefined) params.set('pageToken', token);
      const qs = params.toString();
      const { text } = await this.http.send({ method: 'GET', url: qs === '' ? url : `${url}?${qs}`, subject, signal });
      const page = parseBody(text, schema, subject, expected);
      out.push(...page[key]);
      const next = page['next-page-token'];
      if (next === undefined || next === null || next === '') return out;
      if (seen.has(next)) throw malformedError(subject, 'a next-page-token not given before', `the server repeated page token ${JSON.stringify(next)}`);
      seen.add(next);
      token = next;
    }
  }
}

/** Parses and validates a response body (`exact`: integers beyond 2^53 kept as text, for metadata). */
function parseBody<T>(text: string, schema: z.ZodType<T>, subject: RequestSubject, expected: string, exact = false): T {
  let json: unknown;
  try {
    json = exact ? parseJsonExact(text) : JSON.parse(text);
  } catch (error) {
    throw malformedError(subject, expected, `not JSON (${(error as Error).message})`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw schemaError(subject, expected, parsed.error);
  return parsed.data;
}

