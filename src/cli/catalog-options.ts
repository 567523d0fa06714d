/**
 * The catalog options of the CLI: `-c/--catalog NAME` (a catalog of `.pyiceberg.yaml` or
 * `PYICEBERG_CATALOG__*` variables), `--uri URI` (a REST catalog), `--token`, `--credential`; and
 * loading a command's `ns.table` through them (`--prop` values become catalog properties).
 */
import { connectCatalog } from '../catalog/connect-catalog.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Table } from '../table/table.ts';
import { UsageError } from './cli-error.ts';

/** The catalog a command line names; neither field set means `<table>` is a location. */
export interface CatalogChoice {
  /** `-c/--catalog NAME`. */
  readonly catalog?: string;
  /** `--uri URI` of a REST catalog. */
  readonly uri?: string;
  /** `--token TOKEN`. */
  readonly token?: string;
  /** `--credential ID:SECRET`. */
  readonly credential?: string;
}

/** The parseArgs options of {@link CatalogChoice}. */
export const CATALOG_OPTIONS = {
  catalog: { type: 'string', short: 'c' },
  uri: { type: 'string' },
  token: { type: 'string' },
  credential: { type: 'string' },
} as const;

/** The catalog choice of parsed values (`-c` and `--uri` exclude each other; `--token`/`--credential` need one of them). */
export function parseCatalogChoice(values: { catalog?: string; uri?: string; token?: string; credential?: string }, command: string): CatalogChoice {
  if (values.catalog !== undefined && values.uri !== undefined) throw new UsageError('use either -c/--catalog or --uri, not both', command);
  if (values.catalog === undefined && values.uri === undefined && (values.token !== undefined || values.credential !== undefined)) {
    throw new UsageError('--token and --credential need a catalog (-c NAME or --uri URI)', command);
  }
  for (const [name, v] of [['catalog', values.catalog], ['uri', values.uri]] as const) {
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} expects a value`, command);
  }
  return {
    ...(values.catalog !== undefined ? { catalog: values.catalog } : {}),
    ...(values.uri !== undefined ? { uri: values.uri } : {}),
    ...(values.token !== undefined ? { token: values.token } : {}),
    ...(values.credential !== undefined ? { credential: values.credential } : {}),
  };
}

/** Whether the command line names a catalog. */
export function namesCatalog(choice: CatalogChoice): boolean {
  return choice.catalog !== undefined || choice.uri !== undefined;
}

/** Location options of the tables a command loads (`--map`, `--allow-location`). */
export interface CommandTableOptions {
  readonly locationMap?: Readonly<Record<string, string>>;
  readonly allowedLocations?: readonly string[] | '*';
}

/** Connects to the command line's catalog; `properties` are the `--prop` values. */
export function connectCommandCatalog(choice: CatalogChoice, properties: Readonly<Record<string, string>>, tables: CommandTableOptions = {}): Promise<Catalog> {
  const more = {
    ...(choice.token !== undefined ? { token: choice.token } : {}),
    ...(choice.credential !== undefined ? { credential: choice.credential } : {}),
    ...(tables.locationMap !== undefined && Object.keys(tables.locationMap).length > 0 ? { locationMap: tables.locationMap } : {}),
    ...(tables.allowedLocations !== undefined ? { allowedLocations: tables.allowedLocations } : {}),
  };
  if (choice.uri !== undefined) return connectCatalog({ type: 'rest', uri: choice.uri, properties, ...more });
  return connectCatalog(choice.catalog!, { properties, ...more });
}

/** Loads `name` (`ns.table`) from the command line's catalog. */
export async function loadCatalogTable(
  choice: CatalogChoice,
  name: string,
  options: CommandTableOptions & { readonly properties: Readonly<Record<string, string>> },
): Promise<Table> {
  const catalog = await connectCommandCatalog(choice, options.properties, options);
  try {
    return await catalog.loadTable(name);
  } finally {
    catalog.close();
  }
}
