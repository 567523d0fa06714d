/**
 * The plugins a table scan uses unless the caller passes its own: the library's row filter
 * (`filterPlugin`) and delete stage (`applyDeletes`).
 */
import { filterPlugin } from '../expr/filter-plugin.ts';
import { applyDeletes } from '../operators/apply-deletes.ts';
import type { ScanPlugins } from './scan-plugins.ts';

/** Default plugins of `loadTable`: filters bound by `filterPlugin`, deletes applied by `applyDeletes()`. */
export function defaultScanPlugins(): ScanPlugins {
  return { filter: filterPlugin, deletes: applyDeletes() };
}
