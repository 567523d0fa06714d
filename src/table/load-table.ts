/**
 * `loadTable`: finds a table's current metadata file (a metadata file given directly, the
 * `version-hint.text`, or the newest `vN` / `NNNNN-uuid` metadata file), parses it and wraps the
 * `FileIO` so that moved tables resolve.
 */
import { IcebergScanError, isIcebergScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import { SchemeFileIO, type SchemeFileIOOptions } from '../io/scheme-file-io.ts';
import { gunzipIfNeeded, readWholeFile } from '../io/read-whole-file.ts';
import { allowedLocationMatcher } from '../io/allowed-locations.ts';
import { TableFileIO, absoluteLocation, listFiles } from '../io/table-file-io.ts';
import { parseTableMetadata, type TableMetadata } from '../metadata/table-metadata.ts';
import { defaultScanPlugins } from './default-plugins.ts';
import { Table, type ScanPlugins } from './table.ts';

/** Options of {@link loadTable}. */
export interface LoadTableOptions {
  /**
   * Where bytes come from (default: a {@link SchemeFileIO} built from `properties` and `fileIO`:
   * local paths and `file:`, `s3://` / `s3a://` / `s3n://`, `http://` / `https://`, each file
   * through the FileIO of its own scheme).
   */
  readonly io?: FileIO;
  /**
   * FileIO properties with PyIceberg's names, used when no `io` is given: `s3.endpoint`,
   * `s3.region`, `s3.access-key-id`, `s3.secret-access-key`, `s3.session-token`,
   * `s3.path-style-access`, `s3.connect-timeout` and `s3.request-timeout` (seconds), and
   * `header.<Name>` for HTTP(S) request headers. Unset S3 settings come from the AWS SDK's
   * default chains (environment, shared config, instance metadata).
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** Retry budget, stall timeout and further S3/HTTP options of the default FileIO (not with `io`). */
  readonly fileIO?: Omit<SchemeFileIOOptions, 'properties'>;
  /**
   * Prefix maps for files a table recorded outside its own folder: `{ recordedPrefix: actualPrefix }`
   * (e.g. `{ '/test-warehouse/ice/t_data': '/tmp/t/__siblings__/t_data' }`).
   */
  readonly locationMap?: Readonly<Record<string, string>>;
  /**
   * Locations outside the table's own location that its metadata may point at, read where they
   * are (default: none, and such a file fails with `path_refused`). For tables whose files were
   * registered in place: PyIceberg `add_files`, Spark/Hive migrations. Either prefixes
   * (`['/data/raw', 's3://bucket/landing']`), matched on whole path segments after `.` and `..`
   * are resolved (`/data/a` allows `/data/a/x.parquet`, never `/data/ab/…` or `/data/a/../b/…`;
   * the scheme and authority must match), or `'*'` for any location. Relative local prefixes are
   * resolved against the working directory when no `io` is given. Off by default because a
   * metadata file must not make the scanner read arbitrary paths.
   */
  readonly allowedLocations?: readonly string[] | '*';
  /** Filter and delete stages (see `ScanPlugins`); default {@link defaultScanPlugins}. */
  readonly plugins?: ScanPlugins;
  /** Aborts loading. */
  readonly signal?: AbortSignal;
}

const METADATA_SUFFIX = '.metadata.json';

/**
 * Loads a table from a metadata file or a table folder. Throws `not_found` when no metadata file
 * exists, `data_invalid` (naming the file and JSON path) when it is malformed, `invalid_argument`
 * for an unusable `allowedLocations` prefix. Files outside the table location are refused
 * (`path_refused`, when they are opened) unless `locationMap` or `allowedLocations` covers them.
 *
 * @param location A `*.metadata.json` file (gzip allowed) or the table folder (holding `metadata/`).
 * @param options I/O, location maps, allowed locations and plugins.
 * @returns The table, its metadata parsed.
 */
export async function loadTable(location: string, options: LoadTableOptions = {}): Promise<Table> {
  const io = options.io ?? new SchemeFileIO({ ...options.fileIO, ...(options.properties !== undefined ? { properties: options.properties } : {}) });
  const where = options.io === undefined ? absoluteLocation(location) : location;
  const allowedLocations = options.io === undefined ? absolutePrefixes(options.allowedLocations) : options.allowedLocations;
  // Checked before any read, so a bad prefix fails fast (the scan would only fail later).
  if (allowedLocations !== undefined) allowedLocationMatcher(allowedLocations);
  const isFile = where.endsWith(METADATA_SUFFIX) || where.endsWith('.json') || where.endsWith('.json.gz');
  const found: CurrentMetadata = isFile ? { path: where } : await findCurrentMetadata(io, join(where, 'metadata'), options.signal);
  const metadataFile = found.path;
  const metadata = found.metadata ?? (await readMetadata(io, metadataFile, options.signal));
  const root = isFile ? tableRootOf(metadataFile) : stripSlash(where);
  const tableIO = new TableFileIO(io, {
    root,
    recordedLocations: [metadata.location],
    ...(options.locationMap !== undefined ? { locationMap: options.locationMap } : {}),
    ...(allowedLocations !== undefined ? { allowedLocations } : {}),
  });
  // A refresh reads the metadata folder again: the one given, or the one holding the given file
  // (a metadata file kept outside a `metadata/` folder can only be read again as it is).
  const folder = !isFile ? where : basename(dirname(metadataFile)) === 'metadata' ? dirname(dirname(metadataFile)) : undefined;
  const reloadFrom = folder ?? metadataFile;
  const { signal: _loadSignal, ...reloadOptions } = options;
  const reload: LoadTableOptions = { ...reloadOptions, io, ...(allowedLocations !== undefined ? { allowedLocations } : {}) };
  const source = { name: reloadFrom, load: (signal?: AbortSignal) => loadTable(reloadFrom, signal !== undefined ? { ...reload, signal } : reload) };
  return new Table(metadata, tableIO, metadataFile, options.plugins ?? defaultScanPlugins(), source);
}

/** Local prefixes made absolute like the table location (URLs and `'*'` unchanged). */
function absolutePrefixes(allowed: readonly string[] | '*' | undefined): readonly string[] | '*' | undefined {
  if (!Array.isArray(allowed)) return allowed;
  return allowed.map((p: unknown) => (typeof p === 'string' && p !== '*' && p.trim() !== '' && !/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(p) ? absoluteLocation(p) : (p as string)));
}

/** Reads and parses one metadata file (gzip-compressed or not). */
export async function readMetadata(io: FileIO, path: string, signal?: AbortSignal): Promise<TableMetadata> {
  const bytes = gunzipIfNeeded(await readWholeFile(io.newInputFile(path), signal), path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new IcebergScanError('data_invalid', 'table metadata: not UTF-8 text', { path, cause: error });
  }
  return parseTableMetadata(text, path);
}

/** The current metadata file, with its contents when finding it already read them. */
interface CurrentMetadata {
  readonly path: string;
  readonly metadata?: TableMetadata;
}

/**
 * The current metadata file of a `metadata/` folder: the one `version-hint.text` names, else the
 * highest version among `vN[.gz].metadata.json` / `NNNNN-*.metadata.json`; when some names carry
 * no version (`vfinal.metadata.json`), the valid file with the newest `last-updated-ms`.
 */
async function findCurrentMetadata(io: FileIO, dir: string, signal?: AbortSignal): Promise<CurrentMetadata> {
  const hint = await readHint(io, join(dir, 'version-hint.text'), signal);
  if (hint !== undefined) {
    const stems = /^\d+$/.test(hint) ? [`v${hint}`, `v${hint}.gz`, hint] : [hint, `${hint}.gz`];
    for (const stem of stems) {
      const candidate = join(dir, `${stem}${METADATA_SUFFIX}`);
      if (await exists(io, candidate, signal)) return { path: candidate };
    }
  }
  const names = (await listFiles(io, dir, signal)).filter((n) => n.endsWith(METADATA_SUFFIX));
  if (names.length === 0) {
    throw new IcebergScanError('not_found', 'no table metadata file (*.metadata.json) found', {
      path: dir,
      expected: 'a metadata/ folder with version-hint.text or *.metadata.json files',
    });
  }
  const versions = names.map((n) => ({ name: n, version: versionOf(n) }));
  if (versions.every((v) => v.version !== undefined)) {
    versions.sort((a, b) => b.version! - a.version! || b.name.localeCompare(a.name));
    const top = versions.filter((v) => v.version === versions[0]!.version);
    if (top.length === 1) return { path: join(dir, top[0]!.name) };
  }
  return newestByContent(io, dir, names, signal);
}

async function newestByContent(io: FileIO, dir: string, names: string[], signal?: AbortSignal): Promise<CurrentMetadata> {
  let best: { path: string; metadata: TableMetadata } | undefined;
  let firstError: unknown;
  for (const name of names) {
    const path = join(dir, name);
    try {
      const m = await readMetadata(io, path, signal);
      const b = best?.metadata;
      if (b === undefined || m.lastUpdatedMs > b.lastUpdatedMs || (m.lastUpdatedMs === b.lastUpdatedMs && m.lastSequenceNumber > b.lastSequenceNumber)) {
        best = { path, metadata: m };
      }
    } catch (error) {
      if (!isIcebergScanError(error) || error.code === 'aborted') throw error;
      firstError ??= error;
    }
  }
  if (best === undefined) throw firstError;
  return best;
}

/** Version number of a metadata file name, or undefined when it carries none. */
export function versionOf(name: string): number | undefined {
  const m = /^v(\d+)(?:\.gz)?\.metadata\.json$/.exec(name) ?? /^(\d+)-.*\.metadata\.json$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

async function readHint(io: FileIO, path: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const text = new TextDecoder().decode(await readWholeFile(io.newInputFile(path), signal)).trim();
    return text.length > 0 ? text : undefined;
  } catch (error) {
    if (isIcebergScanError(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}

async function exists(io: FileIO, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await io.newInputFile(path).length(signal);
    return true;
  } catch (error) {
    if (isIcebergScanError(error) && error.code === 'not_found') return false;
    throw error;
  }
}

/** The table folder of a metadata file: the parent of its `metadata/` folder. */
function tableRootOf(metadataFile: string): string {
  const dir = dirname(metadataFile);
  return basename(dir) === 'metadata' ? dirname(dir) : dir;
}

function join(dir: string, name: string): string {
  return `${stripSlash(dir)}/${name}`;
}

function stripSlash(s: string): string {
  return s.length > 1 ? s.replace(/\/+$/, '') : s;
}

function dirname(p: string): string {
  const s = stripSlash(p);
  const i = s.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : s.slice(0, i);
}

function basename(p: string): string {
  const s = stripSlash(p);
  return s.slice(s.lastIndexOf('/') + 1);
}
