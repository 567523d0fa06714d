/**
 * Formats a zod issue path as a JSON path (`$.snapshots[2]["snapshot-id"]`) for error messages.
 */

/**
 * Formats a zod issue path as a JSON path: identifiers with a dot, other keys quoted, indexes in
 * brackets.
 *
 * @param path The issue's path.
 * @returns The JSON path, `$` for the root.
 */
export function zodIssuePath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
