/**
 * The REST catalog's configuration: the user's properties merged with the server's
 * `GET /v1/config` answer as the spec says (server `defaults` first, then the client's own
 * properties, then server `overrides`), and the settings read from the merged result.
 */
import { IcebergScanError } from '../errors.ts';

/** Property names that configure the catalog client and never reach a table's FileIO. */
export const CLIENT_ONLY_PROPERTIES: ReadonlySet<string> = new Set(['token', 'credential', 'type', 'py-io-impl', 'io-impl']);

/**
 * `defaults`, then `client`, then `overrides`: the spec's order of precedence.
 *
 * @param defaults The server's defaults.
 * @param client The user's properties.
 * @param overrides The server's overrides.
 */
export function mergeConfig(
  defaults: Readonly<Record<string, string>> | null | undefined,
  client: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  return { ...(defaults ?? {}), ...client, ...(overrides ?? {}) };
}

/** `header.X-Name` properties as request headers. */
export function headerProperties(properties: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) if (k.startsWith('header.') && k.length > 'header.'.length) out[k.slice('header.'.length)] = v;
  return out;
}

/** The catalog URI without trailing slashes; `invalid_argument` when it is not an http(s) URL. */
export function catalogBaseUri(uri: string | undefined, catalog: string): string {
  if (uri === undefined || uri.trim() === '') {
    throw new IcebergScanError('invalid_argument', `rest catalog ${catalog}: no uri given`, { expected: 'uri: http(s)://host:port of the REST catalog' });
  }
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch (error) {
    throw new IcebergScanError('invalid_argument', `rest catalog ${catalog}: uri is not a URL`, { expected: 'http(s)://host:port', cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IcebergScanError('invalid_argument', `rest catalog ${catalog}: uri must be http:// or https://, got ${url.protocol}`, { expected: 'http(s)://host:port' });
  }
  return uri.trim().replace(/\/+$/, '');
}

/** The URL path segment(s) of `prefix` (each segment percent-encoded), or '' for none. */
export function prefixPath(prefix: string | undefined): string {
  if (prefix === undefined || prefix.trim() === '') return '';
  return `/${prefix.replace(/^\/+|\/+$/g, '').split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * A namespace as one path segment or query value: levels percent-encoded and joined by the
 * separator (`namespace-separator`, default the unit separator U+001F, sent as `%1F`).
 */
export function encodeNamespace(levels: readonly string[], separator = '\u001f'): string {
  return levels.map(encodeURIComponent).join(encodeURIComponent(separator));
}

/** The namespace separator of merged properties (`namespace-separator`, URL-encoded; default `%1F`). */
export function namespaceSeparator(properties: Readonly<Record<string, string>>): string {
  const v = properties['namespace-separator'];
  if (v === undefined || v === '') return '\u001f';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** A positive integer property (`rest-page-size`); undefined when absent. */
export function positiveIntProperty(properties: Readonly<Record<string, string>>, name: string): number | undefined {
  const v = properties[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new IcebergScanError('invalid_argument', `property ${name}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}
