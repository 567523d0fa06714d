/**
 * A worker's loaded tables and bound filters, kept across jobs: the tasks of one scan share one
 * metadata file, so it is read and parsed once per worker, not once per task.
 */
import { loadTable } from '../table/load-table.ts';
import type { Table } from '../table/table.ts';
import { canonicalJson } from './job-ids.ts';
import type { TableReference } from './task-job.ts';

/** Loads the table a job names. */
export type TableLoader = (reference: TableReference) => Promise<Table>;

/** The default loader: `loadTable(reference.location, …)` with the worker's FileIO properties. */
export function defaultTableLoader(properties: Readonly<Record<string, string>> = {}): TableLoader {
  return (ref) =>
    loadTable(ref.location, {
      properties,
      ...(ref.locationMap !== undefined ? { locationMap: ref.locationMap } : {}),
      ...(ref.allowedLocations !== undefined ? { allowedLocations: ref.allowedLocations } : {}),
    });
}

/** A small least-recently-used map of promises; a rejected promise is not kept. */
export class PromiseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity = 16) {}

  get(key: unknown, make: () => Promise<T>): Promise<T> {
    const k = canonicalJson(key);
    let p = this.entries.get(k);
    if (p !== undefined) {
      this.entries.delete(k);
      this.entries.set(k, p);
      return p;
    }
    p = make();
    p.catch(() => {
      if (this.entries.get(k) === p) this.entries.delete(k);
    });
    this.entries.set(k, p);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}
