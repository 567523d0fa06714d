/**
 * The scan plugins (filters, deletes) the command line uses: the library's defaults.
 */
import { defaultScanPlugins } from '../table/default-plugins.ts';
import type { ScanPlugins } from '../table/scan-plugins.ts';

/** Plugins for CLI scans: every filter and delete stage the library ships (`defaultScanPlugins`). */
export function cliPlugins(): ScanPlugins {
  return defaultScanPlugins();
}
