/**
 * The browser build's `node:path`: POSIX path arithmetic with `/` as the working folder (a page has
 * no file system; iceberg-rx only uses these on local locations, which the browser cannot read).
 */

/** Collapses `.`, `..` and repeated slashes. */
export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  const trailing = path.endsWith('/') ? '/' : '';
  if (absolute) return joined === '' ? '/' : `/${joined}${trailing}`;
  return joined === '' ? `.${trailing}` : `${joined}${trailing}`;
}

/** Whether `path` starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

/** The segments joined with `/`, normalized. */
export function join(...segments: string[]): string {
  const parts = segments.filter((s) => s !== '');
  return parts.length === 0 ? '.' : normalize(parts.join('/'));
}

/** An absolute path from the segments, right to left, against the root `/`. */
export function resolve(...segments: string[]): string {
  let path = '';
  for (let i = segments.length - 1; i >= 0 && !path.startsWith('/'); i--) {
    if (segments[i] !== '') path = path === '' ? segments[i]! : `${segments[i]}/${path}`;
  }
  const normalized = normalize(`/${path}`);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** The last segment. */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Everything before the last segment. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : trimmed.slice(0, i);
}

/** The separator. */
export const sep = '/';

/** The POSIX flavour (the same functions). */
export const posix = { normalize, isAbsolute, join, resolve, basename, dirname, sep };

export default { ...posix, posix };
