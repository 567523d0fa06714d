/**
 * Catalogs as PyIceberg users already configured them: `.pyiceberg.yaml` (the first found in
 * `$PYICEBERG_HOME`, the home directory, the working directory — PyIceberg's order) merged with
 * `PYICEBERG_CATALOG__<NAME>__<PROPERTY>` environment variables (`__` → `.`, `_` → `-`,
 * lower-cased: `PYICEBERG_CATALOG__PROD__S3__ENDPOINT` is `s3.endpoint` of catalog `prod`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { IcebergScanError } from '../errors.ts';

/** Where the configuration comes from (injectable for tests). */
export interface PyIcebergConfigSources {
  /** The environment (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The home directory (default `os.homedir()`). */
  readonly home?: string;
  /** The working directory (default `process.cwd()`). */
  readonly cwd?: string;
}

/** The configuration PyIceberg would see: the file's contents with the environment merged in. */
export interface PyIcebergConfig {
  /** The file read, when one was found. */
  readonly file?: string;
  /** `default-catalog`, else `default`. */
  readonly defaultCatalog: string;
  /** Every catalog's properties, names lower-cased. */
  readonly catalogs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

type Tree = { [key: string]: Tree | string };

function lowerKeys(value: unknown, file: string, at: string): Tree | string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) throw new IcebergScanError('data_invalid', `${file}: ${at} is a list`, { path: file, expected: 'a mapping of catalog names to properties' });
  const out: Tree = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k.toLowerCase()] = lowerKeys(v, file, `${at}.${k}`);
  return out;
}

function readFile(sources: PyIcebergConfigSources): { file?: string; tree: Tree } {
  const env = sources.env ?? process.env;
  for (const dir of [env.PYICEBERG_HOME, sources.home ?? homedir(), sources.cwd ?? process.cwd()]) {
    if (dir === undefined || dir === '') continue;
    const file = join(dir, '.pyiceberg.yaml');
    if (!existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new IcebergScanError('data_invalid', `cannot parse ${file}: ${(error as Error).message}`, { path: file, expected: 'PyIceberg YAML configuration', cause: error });
    }
    const tree = lowerKeys(parsed ?? {}, file, '$');
    if (typeof tree === 'string') throw new IcebergScanError('data_invalid', `${file}: not a mapping`, { path: file, expected: 'PyIceberg YAML configuration' });
    return { file, tree };
  }
  return { tree: {} };
}

/** Merges `PYICEBERG_*` variables into `tree` as PyIceberg's `_from_environment_variables` does. */
function mergeEnvironment(tree: Tree, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!lower.startsWith('pyiceberg_')) continue;
    const rest = lower.slice('pyiceberg_'.length);
    // Python's split("__", maxsplit=2): at most three parts, the last one keeps its "__".
    const parts: string[] = [];
    let remaining = rest;
    while (parts.length < 2) {
      const i = remaining.indexOf('__');
      if (i < 0) break;
      parts.push(remaining.slice(0, i));
      remaining = remaining.slice(i + 2);
    }
    parts.push(remaining);
    const path = parts.map((p) => p.replaceAll('__', '.').replaceAll('_', '-'));
    let node = tree;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const next = node[key];
      if (next === undefined) node = node[key] = {};
      else if (typeof next === 'string') throw new IcebergScanError('invalid_argument', `environment variable ${name}: ${path.slice(0, i + 1).join('.')} is a value, not a mapping`);
      else node = next;
    }
    const last = path[path.length - 1]!;
    // PyIceberg keeps the file's value when the variable is empty ("rhs or lhs").
    if (value !== '' || node[last] === undefined) node[last] = value;
  }
}

/**
 * Reads PyIceberg's configuration.
 *
 * @param sources Environment, home and working directory (default: the process's).
 */
export function readPyIcebergConfig(sources: PyIcebergConfigSources = {}): PyIcebergConfig {
  const env = sources.env ?? process.env;
  const { file, tree } = readFile(sources);
  mergeEnvironment(tree, env);
  const catalogs: Record<string, Record<string, string>> = {};
  const node = tree.catalog;
  if (typeof node === 'string') throw new IcebergScanError('data_invalid', 'PyIceberg configuration: catalog must be a mapping', { ...(file !== undefined ? { path: file } : {}) });
  for (const [name, props] of Object.entries(node ?? {})) {
    if (typeof props === 'string') throw new IcebergScanError('data_invalid', `PyIceberg configuration: catalog.${name} must be a mapping of properties`, { ...(file !== undefined ? { path: file } : {}) });
    catalogs[name] = flatten(props);
  }
  const dflt = tree['default-catalog'];
  return { ...(file !== undefined ? { file } : {}), defaultCatalog: typeof dflt === 'string' && dflt !== '' ? dflt : 'default', catalogs };
}

/** Nested YAML mappings (`s3: { endpoint: … }`) as dotted property names. */
function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[`${prefix}${k}`] = v;
    else Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}

/**
 * The properties of catalog `name` (case-insensitive), with `type` inferred from `uri` when
 * absent (http(s) → `rest`, `sqlite`/`postgresql`/`mysql` → `sql`), as PyIceberg does.
 * Throws `not_found` naming the catalogs that are configured.
 *
 * @param name The catalog's name.
 * @param sources Environment, home and working directory.
 */
export function pyIcebergCatalogProperties(name: string, sources: PyIcebergConfigSources = {}): Record<string, string> {
  const config = readPyIcebergConfig(sources);
  const props = config.catalogs[name.toLowerCase()];
  if (props === undefined) {
    const known = Object.keys(config.catalogs);
    throw new IcebergScanError('not_found', `no catalog ${JSON.stringify(name)} configured (${config.file ?? 'no .pyiceberg.yaml found'}; PYICEBERG_CATALOG__<NAME>__<PROPERTY> variables)`, {
      expected: known.length > 0 ? `one of ${known.join(', ')}` : 'a catalog defined in .pyiceberg.yaml ($PYICEBERG_HOME, ~ or the working directory) or by PYICEBERG_CATALOG__<NAME>__URI',
      ...(config.file !== undefined ? { path: config.file } : {}),
    });
  }
  const type = props.type ?? inferType(props.uri);
  return { ...props, ...(type !== undefined ? { type } : {}) };
}

function inferType(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  const u = uri.toLowerCase();
  if (u.startsWith('http://') || u.startsWith('https://')) return 'rest';
  if (u.startsWith('thrift://')) return 'hive';
  if (u.startsWith('sqlite') || u.startsWith('postgresql') || u.startsWith('mysql')) return 'sql';
  return undefined;
}
