/**
 * Allowed locations: the prefixes outside a table's own location that its metadata may point at
 * (files registered by PyIceberg's `add_files` or an in-place migration), matched on whole path
 * segments after `.` and `..` are resolved.
 */
import { IcebergScanError } from '../errors.ts';

/** Prefixes a table may read outside its location, or `'*'` for any location. */
export type AllowedLocations = readonly string[] | '*';

/**
 * Characters never admitted through a prefix: control characters (URL parsers drop tabs and
 * newlines, so `.\t.` would become `..` after the check), backslashes (a separator for `file:` and
 * `http:` URLs) and percent-encoded separators (`%2F`, `%5C`, which a server may decode).
 */
const NEVER_ADMITTED = /[\u0000-\u001f\u007f\\]|%2f|%5c/i;

interface ParsedLocation {
  /** `local` for plain paths and `file:` URLs; otherwise `scheme://authority` (scheme lower-cased). */
  readonly scope: string;
  /** The text before the path, kept as written (`s3://bucket`, `file://`, `file:`, or ''). */
  readonly head: string;
  readonly absolute: boolean;
  /** Path segments with `.`, `..` (also `%2e` spellings) and empty segments resolved away. */
  readonly segments: readonly string[];
}

/**
 * Parses and normalises a location; undefined when it has a character that is never admitted or
 * its `..` segments climb above its root.
 */
function parseLocation(location: string): ParsedLocation | undefined {
  if (NEVER_ADMITTED.test(location)) return undefined;
  let scope = 'local';
  let head = '';
  let path = location;
  let absolute: boolean | undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(location);
  if (m && m[1]!.length > 1) {
    const scheme = m[1]!.toLowerCase();
    const rest = m[2]!;
    if (rest.startsWith('//')) {
      const after = rest.slice(2);
      const slash = after.indexOf('/');
      const authority = slash < 0 ? after : after.slice(0, slash);
      const local = scheme === 'file' && (authority === '' || authority.toLowerCase() === 'localhost');
      scope = local ? 'local' : `${scheme}://${authority}`;
      head = `${m[1]}://${authority}`;
      path = slash < 0 ? '' : after.slice(slash);
      absolute = true;
    } else {
      scope = scheme === 'file' ? 'local' : `${scheme}:`;
      head = `${m[1]}:`;
      path = rest;
    }
  }
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    const dots = raw.replace(/%2e/gi, '.');
    if (raw === '' || dots === '.') continue;
    if (dots === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
      continue;
    }
    segments.push(raw);
  }
  return { scope, head, absolute: absolute ?? path.startsWith('/'), segments };
}

function isWithin(location: ParsedLocation, prefix: ParsedLocation): boolean {
  return (
    location.scope === prefix.scope &&
    location.absolute === prefix.absolute &&
    prefix.segments.length <= location.segments.length &&
    prefix.segments.every((s, i) => s === location.segments[i])
  );
}

function format(location: ParsedLocation): string {
  return `${location.head}${location.absolute ? '/' : ''}${location.segments.join('/')}`;
}

/**
 * Builds the check of one table's allowed locations.
 *
 * A location is allowed when, after normalisation (`.`, `..` and `%2e` spellings of them,
 * duplicate and trailing slashes), it equals a prefix or lies below it: `/data/a` allows
 * `/data/a/x.parquet` and `/data/a/b/../x.parquet`, never `/data/ab/x.parquet` or
 * `/data/a/../b/x.parquet`. Scheme and authority must match (`s3://b/p` does not allow `s3a://b/p`
 * or `s3://c/p`); plain paths, `file:/…` and `file:///…` are the same local scope. Locations with
 * control characters, backslashes or `%2F`/`%5C` are never allowed by a prefix. `'*'` (or a
 * prefix `'*'`) allows every location unchanged.
 *
 * @param allowed The prefixes, or `'*'`.
 * @returns A function giving the location to open (the normalised form, so that the path opened
 *   is the path checked; with `'*'` the location itself), or undefined when it is not allowed.
 * @throws IcebergScanError `invalid_argument` for a prefix that is empty, not a string, has a
 *   character never admitted, or climbs above its root with `..`.
 */
export function allowedLocationMatcher(allowed: AllowedLocations): (location: string) => string | undefined {
  if (allowed === '*' || (Array.isArray(allowed) && allowed.includes('*'))) return (location) => location;
  if (!Array.isArray(allowed)) {
    throw new IcebergScanError('invalid_argument', `allowedLocations: expected an array of prefixes or '*', got ${JSON.stringify(allowed)}`, {
      expected: "an array of location prefixes, or '*'",
    });
  }
  const prefixes = allowed.map((prefix: unknown) => {
    const parsed = typeof prefix === 'string' && prefix.trim() !== '' ? parseLocation(prefix) : undefined;
    if (parsed === undefined) {
      throw new IcebergScanError('invalid_argument', `allowedLocations: not a usable prefix: ${JSON.stringify(prefix)}`, {
        expected: 'a non-empty path or URL prefix without control characters, backslashes, encoded separators or ".." above its root',
      });
    }
    return parsed;
  });
  return (location) => {
    const parsed = parseLocation(location);
    if (parsed === undefined || !prefixes.some((p) => isWithin(parsed, p))) return undefined;
    return format(parsed);
  };
}
