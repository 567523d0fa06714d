/**
 * Vended credentials: the FileIO properties of one table from what its catalog sent, the
 * catalog's properties, then the `loadTable` result's `config`, then the `storage-credentials`
 * entry whose `prefix` is the longest one the table location starts with.
 */
import type { StorageCredential } from './rest-schemas.ts';

/**
 * The storage credential that applies to `location`: the longest `prefix` that `location` starts
 * with (`s3://bucket/a` over `s3://bucket` over `s3`); undefined when none does.
 *
 * @param location The table (or file) location.
 * @param credentials The `storage-credentials` of a `loadTable` result.
 */
export function credentialFor(location: string, credentials: readonly StorageCredential[] | null | undefined): StorageCredential | undefined {
  let best: StorageCredential | undefined;
  for (const c of credentials ?? []) {
    if (location.startsWith(c.prefix) && (best === undefined || c.prefix.length > best.prefix.length)) best = c;
  }
  return best;
}

/**
 * The FileIO properties of a table: catalog properties, overridden by the table's `config`,
 * overridden by the storage credential of its location.
 */
export function tableIOProperties(
  catalogProperties: Readonly<Record<string, string>>,
  tableConfig: Readonly<Record<string, string>> | null | undefined,
  location: string,
  credentials: readonly StorageCredential[] | null | undefined,
): Record<string, string> {
  return { ...catalogProperties, ...(tableConfig ?? {}), ...(credentialFor(location, credentials)?.config ?? {}) };
}
