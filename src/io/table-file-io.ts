/**
 * Moved-table location resolution: a `FileIO` decorator that maps the paths a table recorded
 * (`s3a://…`, `hdfs://host:port/…`, `/test-warehouse/…`, `file:/…`, `./…`) onto the folder the
 * table actually lives in, applies explicit prefix maps, admits explicitly allowed locations, and
 * refuses everything else.
 */
import { readdir } from 'node:fs/promises';
import { posix, resolve as resolvePath, join as joinPath, isAbsolute } from 'node:path';
import { IcebergScanError } from '../errors.ts';
import { allowedLocationMatcher, type AllowedLocations } from './allowed-locations.ts';
import type { FileIO, InputFile } from './input-file.ts';
import { LocalFileIO, toLocalPath } from './local-file-io.ts';

/** A `FileIO` that may also list the files directly under a folder (local file systems can). */
export interface ListableFileIO extends FileIO {
  /** Names (not paths) of the entries directly under `prefix`. Optional: object stores may lack it. */
  list?(prefix: string, signal?: AbortSignal): Promise<string[]>;
}

/** Options of {@link TableFileIO}. */
export interface TableFileIOOptions {
  /** Where the table actually is (the folder holding `metadata/`), as `inner` understands it. */
  readonly root: string;
  /** Locations the table recorded for itself (the metadata's `location`, ...). */
  readonly recordedLocations: readonly string[];
  /** Explicit prefix maps `{ recordedPrefix: actualPrefix }` for files outside the table folder. */
  readonly locationMap?: Readonly<Record<string, string>>;
  /**
   * Locations outside the table that are read where they are (default: none): prefixes matched
   * on whole path segments after `..` is resolved, or `'*'` for any (see `allowedLocationMatcher`).
   */
  readonly allowedLocations?: AllowedLocations;
}

const AUTHORITY_IS_HOST = new Set(['hdfs', 'viewfs', 'webhdfs', 'file']);

/**
 * A comparable key of a location: scheme removed; for HDFS-like and `file:` URLs the authority is
 * dropped too, for object stores (`s3`, `s3a`, `gs`, ...) the bucket stays as the first segment;
 * `./` and duplicate or trailing slashes removed. `file://rel/x` (not absolute) becomes `rel/x`.
 *
 * @param location Any recorded or actual location.
 */
export function locationKey(location: string): string {
  let rest = location.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(rest);
  if (m && m[1]!.length > 1) {
    const scheme = m[1]!.toLowerCase();
    rest = m[2]!;
    if (rest.startsWith('//')) {
      const afterSlashes = rest.slice(2);
      if (scheme === 'file') {
        rest = afterSlashes.startsWith('/') ? afterSlashes : afterSlashes.startsWith('localhost/') ? afterSlashes.slice(9) : afterSlashes;
      } else if (AUTHORITY_IS_HOST.has(scheme)) {
        const slash = afterSlashes.indexOf('/');
        rest = slash < 0 ? '/' : afterSlashes.slice(slash);
      } else {
        rest = `/${afterSlashes}`;
      }
    }
  }
  rest = rest.replace(/\/{2,}/g, '/');
  while (rest.startsWith('./')) rest = rest.slice(2);
  while (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1);
  return rest;
}

/** The part of `key` below `prefixKey`, or undefined when `key` is not under it. */
function below(key: string, prefixKey: string): string | undefined {
  if (prefixKey === '' || prefixKey === '/') return undefined;
  if (key === prefixKey) return '';
  return key.startsWith(`${prefixKey}/`) ? key.slice(prefixKey.length + 1) : undefined;
}

/**
 * A `FileIO` decorator for one table: every location is resolved (see {@link TableFileIO.resolve})
 * before the inner `FileIO` opens it.
 */
export class TableFileIO implements ListableFileIO {
  private readonly rootKey: string;
  private readonly recordedKeys: string[];
  private readonly maps: { fromKey: string; from: string; to: string }[];
  private readonly allowed: (location: string) => string | undefined;

  constructor(
    private readonly inner: FileIO,
    private readonly options: TableFileIOOptions,
  ) {
    this.rootKey = locationKey(options.root);
    this.recordedKeys = [...new Set(options.recordedLocations.map(locationKey))].filter((k) => k !== '' && k !== '/');
    this.maps = Object.entries(options.locationMap ?? {})
      .map(([from, to]) => ({ from, to, fromKey: locationKey(from) }))
      .sort((a, b) => b.fromKey.length - a.fromKey.length);
    this.allowed = options.allowedLocations === undefined ? () => undefined : allowedLocationMatcher(options.allowedLocations);
  }

  /**
   * Resolves a recorded location: explicit maps first (longest prefix wins), then paths already
   * under the actual root, then paths under a recorded table location (re-rooted onto the actual
   * root), then locations under an allowed prefix (opened where they are, normalised).
   * Throws `IcebergScanError('path_refused')` for anything else — the message names the
   * `allowedLocations` option and the CLI's `--allow-location` — and for `..` segments that
   * escape a mapped or re-rooted folder.
   *
   * @param location A location as recorded in metadata or a manifest.
   * @returns The location to open with the inner `FileIO`.
   */
  resolve(location: string): string {
    const key = locationKey(location);
    for (const m of this.maps) {
      const rest = rawBelow(location, m.from) ?? below(key, m.fromKey);
      if (rest !== undefined) return this.join(m.to, rest, location);
    }
    const inRoot = below(key, this.rootKey);
    if (inRoot !== undefined) return this.join(this.options.root, inRoot, location);
    for (const recorded of this.recordedKeys) {
      const rest = below(key, recorded);
      if (rest !== undefined) return this.join(this.options.root, rest, location);
    }
    const allowed = this.allowed(location);
    if (allowed !== undefined) return allowed;
    const given = this.options.allowedLocations;
    throw new IcebergScanError('path_refused', `location is outside the table and neither locationMap nor allowedLocations covers it: ${location}`, {
      path: location,
      expected:
        `a path under the table location (${this.options.recordedLocations.join(', ')}), a locationMap entry, or, for files ` +
        `registered outside the table (add_files, migrations), a prefix in loadTable's allowedLocations option ` +
        `(CLI: --allow-location PREFIX)`,
      context: {
        root: this.options.root,
        ...(given !== undefined ? { allowedLocations: given === '*' ? '*' : given.join(', ') } : {}),
      },
    });
  }

  newInputFile(location: string): InputFile {
    return this.inner.newInputFile(this.resolve(location));
  }

  /** Lists entries under a resolved folder of the table (see {@link listFiles}). */
  list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return listFiles(this.inner, this.resolve(prefix), signal);
  }

  private join(base: string, rest: string, original: string): string {
    const segments = rest.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) {
      throw new IcebergScanError('path_refused', `location escapes its folder with "..": ${original}`, {
        path: original,
        expected: 'a location without ".." segments',
      });
    }
    if (segments.length === 0) return base;
    return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(base) ? `${base.replace(/\/+$/, '')}/${segments.join('/')}` : joinPath(base, ...segments);
  }
}

/** The part of `location` below the raw prefix `from`, at a segment boundary only. */
function rawBelow(location: string, from: string): string | undefined {
  if (from === '' || !location.startsWith(from)) return undefined;
  const rest = location.slice(from.length);
  if (rest === '' || from.endsWith('/') || rest.startsWith('/')) return rest.replace(/^\/+/, '');
  return undefined;
}

/**
 * Lists the entry names directly under `prefix`: through `io.list` when the `FileIO` has it, with
 * the local file system for `LocalFileIO`, else `feature_unsupported`.
 *
 * @param io The FileIO the prefix belongs to.
 * @param prefix A folder location.
 * @param signal Aborts the listing.
 */
export async function listFiles(io: FileIO, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const listable = io as ListableFileIO;
  if (typeof listable.list === 'function') return listable.list(prefix, signal);
  if (io instanceof LocalFileIO) {
    try {
      return await readdir(toLocalPath(prefix));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new IcebergScanError(code === 'ENOENT' || code === 'ENOTDIR' ? 'not_found' : 'io_failed', `cannot list folder`, {
        path: prefix,
        cause: error,
      });
    }
  }
  throw new IcebergScanError('feature_unsupported', 'this FileIO cannot list folders; pass a metadata file location', {
    path: prefix,
    expected: 'a FileIO with list(), or the location of a *.metadata.json file',
  });
}

/** Resolves a local path argument to an absolute path; URLs are returned unchanged. */
export function absoluteLocation(location: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(location) && !location.startsWith('file:')) return location;
  const local = toLocalPath(location);
  return isAbsolute(local) ? posix.normalize(local) : resolvePath(local);
}
