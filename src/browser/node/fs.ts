/**
 * The browser build's `node:fs/promises`: a page has no file system, so every call rejects with an
 * error naming the path and saying what to use instead. iceberg-rx turns it into an
 * `IcebergScanError` (`io_failed`) for the location.
 */

/** The error every call rejects with. */
function unavailable(path: unknown): Error {
  const error = new Error(`local files cannot be read in a browser (${String(path)}); use an http(s):// or s3:// location`) as Error & { code: string };
  error.code = 'ERR_BROWSER_NO_FS';
  return error;
}

/** Rejects: no local files in a browser. */
export async function open(path: unknown): Promise<never> {
  throw unavailable(path);
}
/** Rejects: no local files in a browser. */
export async function stat(path: unknown): Promise<never> {
  throw unavailable(path);
}
/** Rejects: no local files in a browser. */
export async function readdir(path: unknown): Promise<never> {
  throw unavailable(path);
}
/** Rejects: no local files in a browser. */
export async function readFile(path: unknown): Promise<never> {
  throw unavailable(path);
}

/** Node's `FileHandle` type only (never created here). */
export type FileHandle = never;

export default { open, stat, readdir, readFile, existsSync, readFileSync };

/** False: a page has no file system. */
export function existsSync(_path: unknown): boolean {
  return false;
}

/** Throws: no local files in a browser. */
export function readFileSync(path: unknown): never {
  throw unavailable(path);
}
