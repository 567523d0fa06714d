/**
 * What the `iceberg-rx` commands parse alike: the table-loading and snapshot options, `<table>`,
 * integers, `--select`, and `parseArgs` errors as usage errors (exit code 2).
 */
import { UsageError } from './cli-error.ts';
import { CATALOG_OPTIONS } from './catalog-options.ts';

/** Options shared by the commands that choose a snapshot. */
export interface SnapshotChoice {
  readonly snapshotId?: string;
  readonly ref?: string;
  /** Epoch milliseconds. */
  readonly asOf?: number;
  /** `--from-snapshot`: incremental append scan after this snapshot (exclusive). */
  readonly fromSnapshotId?: string;
  /** `--to-snapshot`: incremental append scan up to this snapshot (inclusive; default current). */
  readonly toSnapshotId?: string;
  /** `--skip-non-appends`: skip overwrite/delete snapshots of an incremental range instead of failing. */
  readonly skipNonAppends?: boolean;
}

/** The options of every command that loads a table: location maps, allowed locations, properties, the catalog. */
export const MAP = { map: { type: 'string', multiple: true }, 'allow-location': { type: 'string', multiple: true }, prop: { type: 'string', multiple: true }, ...CATALOG_OPTIONS } as const;
/** `-h` / `--help`. */
export const HELP = { help: { type: 'boolean', short: 'h' } } as const;
/** The snapshot choice of a scan: one snapshot, or an incremental range. */
export const SNAPSHOT = {
  snapshot: { type: 'string' }, ref: { type: 'string' }, 'as-of': { type: 'string' },
  'from-snapshot': { type: 'string' }, 'to-snapshot': { type: 'string' }, 'skip-non-appends': { type: 'boolean' },
} as const;

/** A `--name N` value: undefined when absent, else a (non-negative with `allowZero`) safe integer. */
export function positiveInt(name: string, text: string | undefined, command: string, allowZero = false): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${name} expects a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(text)}`, command);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (!allowZero && n === 0)) throw new UsageError(`--${name} is out of range: ${text}`, command);
  return n;
}

/** `--as-of` text → epoch milliseconds (digits are epoch ms; anything else must parse as ISO-8601). */
export function parseAsOf(text: string | undefined, command: string): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    throw new UsageError(`--as-of expects an ISO-8601 time or epoch milliseconds, got ${JSON.stringify(text)}`, command);
  }
  const ms = Date.parse(t.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw new UsageError(`--as-of is not a valid time: ${JSON.stringify(text)}`, command);
  return ms;
}

/** `--snapshot` / `--ref` / `--as-of`, or `--from-snapshot` / `--to-snapshot` / `--skip-non-appends`: at most one kind. */
export function parseSnapshot(
  values: { snapshot?: string; ref?: string; 'as-of'?: string; 'from-snapshot'?: string; 'to-snapshot'?: string; 'skip-non-appends'?: boolean },
  command: string,
): SnapshotChoice {
  const chosen = [values.snapshot, values.ref, values['as-of']].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new UsageError('use only one of --snapshot, --ref and --as-of', command);
  const incremental = values['from-snapshot'] !== undefined || values['to-snapshot'] !== undefined;
  if (incremental && chosen > 0) throw new UsageError('--from-snapshot / --to-snapshot (an incremental scan) cannot be combined with --snapshot, --ref or --as-of', command);
  for (const name of ['snapshot', 'from-snapshot', 'to-snapshot'] as const) {
    const v = values[name];
    if (v !== undefined && !/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name} expects a snapshot id (digits), got ${JSON.stringify(v)}`, command);
  }
  return {
    ...(values['from-snapshot'] !== undefined ? { fromSnapshotId: values['from-snapshot'].trim() } : {}),
    ...(values['to-snapshot'] !== undefined ? { toSnapshotId: values['to-snapshot'].trim() } : {}),
    ...(values['skip-non-appends'] === true ? { skipNonAppends: true } : {}),
    ...(values.snapshot !== undefined ? { snapshotId: values.snapshot.trim() } : {}),
    ...(values.ref !== undefined ? { ref: values.ref } : {}),
    ...(values['as-of'] !== undefined ? { asOf: parseAsOf(values['as-of'], command) } : {}),
  };
}

/** `--map FROM=TO` values → a location map. */
export function parseLocationMap(values: string[] | undefined, command: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--map expects FROM=TO, got ${JSON.stringify(v)}`, command);
    map[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return map;
}

/** `--prop KEY=VALUE` values (repeatable) → FileIO properties; the value may contain `=`. */
export function parseProperties(values: string[] | undefined, command: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--prop expects KEY=VALUE, got ${JSON.stringify(v.replace(/=.*$/s, '=…'))}`, command);
    props[v.slice(0, eq).trim()] = v.slice(eq + 1);
  }
  return props;
}

/**
 * `--allow-location PREFIX` values (repeatable) → `loadTable`'s `allowedLocations`: the prefixes,
 * `'*'` when one of them is `*`, nothing when none is given.
 */
export function parseAllowedLocations(values: string[] | undefined, command: string): { allowedLocations?: readonly string[] | '*' } {
  if (values === undefined || values.length === 0) return {};
  for (const v of values) {
    if (v.trim() === '') throw new UsageError('--allow-location expects a path or URL prefix (or *), got an empty value', command);
  }
  return { allowedLocations: values.includes('*') ? '*' : values };
}

/** The one `<table>` positional of a command. */
export function oneTable(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command}: missing <table> (a table directory or metadata file, or ns.table with -c NAME / --uri URI)`, command);
  if (positionals.length > 1) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(positionals[1])}`, command);
  return positionals[0];
}

/** Runs a `parseArgs` call, turning its errors into `UsageError`s of `command`. */
export function wrap<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command}: ${(error as Error).message}`, command);
  }
}

/** `--select a,b,c` → the column names (none empty). */
export function parseSelect(text: string | undefined, command: string): string[] | undefined {
  const select = text?.split(',').map((s) => s.trim());
  if (select !== undefined && select.some((s) => s === '')) throw new UsageError('--select has an empty column name', command);
  return select;
}
