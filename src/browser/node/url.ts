/**
 * The browser build's `node:url`: `file:` URL ↔ path conversions, pure string work (a page cannot
 * read local files; these only give the error its path).
 */

/** The path of a `file:` URL. */
export function fileURLToPath(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'file:') throw new TypeError('The URL must be of scheme file');
  return decodeURIComponent(u.pathname);
}

/** The `file:` URL of an absolute path. */
export function pathToFileURL(path: string): URL {
  return new URL(`file://${encodeURI(path.startsWith('/') ? path : `/${path}`)}`);
}

export default { fileURLToPath, pathToFileURL };
