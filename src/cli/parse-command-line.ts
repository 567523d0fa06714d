/**
 * Turns `iceberg-rx` arguments into typed command options (node:util `parseArgs`, strict: an
 * unknown option or a malformed value is a `UsageError`, exit code 2).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.ts';
import { CATALOG_OPTIONS, parseCatalogChoice, type CatalogChoice } from './catalog-options.ts';
import { parseListCommand, type ListCommandOptions } from './list-command.ts';
import { parseTailCommand, type TailCommandOptions } from './tail-command.ts';
import { parseDispatchCommand, type DispatchCommandOptions } from './dispatch-command.ts';
import { parseWorkerCommand, type WorkerCommandOptions } from './worker-command.ts';

/** Output formats of `scan`. */
export type OutputFormat = 'ndjson' | 'csv' | 'arrow' | 'table';

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

/** Parsed `scan` options. */
export interface ScanCommandOptions extends SnapshotChoice, CatalogChoice {
  readonly command: 'scan';
  readonly table: string;
  readonly format?: OutputFormat;
  readonly select?: string[];
  readonly filter?: string;
  readonly limit?: number;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** `--decode-workers`: Parquet decode worker threads (0 = decode on the main thread). */
  readonly decodeWorkers?: number;
  readonly locationMap: Record<string, string>;
  /** `--prop KEY=VALUE` FileIO properties (`s3.endpoint`, `s3.region`, `header.Authorization`, ...). */
  readonly properties: Record<string, string>;
  /** `--allow-location` prefixes (`'*'` for any location); absent when none is given. */
  readonly allowedLocations?: readonly string[] | '*';
  readonly caseSensitive: boolean;
  readonly stats: boolean;
  readonly quiet: boolean;
}

/** Parsed `inspect` options. */
export interface InspectCommandOptions extends CatalogChoice {
  readonly command: 'inspect';
  readonly table: string;
  readonly json: boolean;
  readonly locationMap: Record<string, string>;
  /** `--prop KEY=VALUE` FileIO properties (`s3.endpoint`, `s3.region`, `header.Authorization`, ...). */
  readonly properties: Record<string, string>;
  /** `--allow-location` prefixes (`'*'` for any location); absent when none is given. */
  readonly allowedLocations?: readonly string[] | '*';
}

/** Parsed `plan` options. */
export interface PlanCommandOptions extends SnapshotChoice, CatalogChoice {
  readonly command: 'plan';
  readonly table: string;
  readonly filter?: string;
  readonly json: boolean;
  readonly caseSensitive: boolean;
  readonly locationMap: Record<string, string>;
  /** `--prop KEY=VALUE` FileIO properties (`s3.endpoint`, `s3.region`, `header.Authorization`, ...). */
  readonly properties: Record<string, string>;
  /** `--allow-location` prefixes (`'*'` for any location); absent when none is given. */
  readonly allowedLocations?: readonly string[] | '*';
}

/** Parsed `count` options. */
export interface CountCommandOptions extends SnapshotChoice, CatalogChoice {
  readonly command: 'count';
  readonly table: string;
  readonly filter?: string;
  readonly caseSensitive: boolean;
  readonly stats: boolean;
  readonly locationMap: Record<string, string>;
  /** `--prop KEY=VALUE` FileIO properties (`s3.endpoint`, `s3.region`, `header.Authorization`, ...). */
  readonly properties: Record<string, string>;
  /** `--allow-location` prefixes (`'*'` for any location); absent when none is given. */
  readonly allowedLocations?: readonly string[] | '*';
}

/** What the command line asked for. */
export type CommandLine =
  | ScanCommandOptions
  | InspectCommandOptions
  | PlanCommandOptions
  | CountCommandOptions
  | ListCommandOptions
  | TailCommandOptions
  | DispatchCommandOptions
  | WorkerCommandOptions
  | { readonly command: 'help'; readonly topic?: 'scan' | 'inspect' | 'plan' | 'count' | 'list' | 'tail' | 'dispatch' | 'worker' };

const COMMANDS = ['scan', 'inspect', 'plan', 'count', 'list', 'tail', 'dispatch', 'worker'] as const;
type CommandName = (typeof COMMANDS)[number];

const MAP = { map: { type: 'string', multiple: true }, 'allow-location': { type: 'string', multiple: true }, prop: { type: 'string', multiple: true }, ...CATALOG_OPTIONS } as const;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const SNAPSHOT = {
  snapshot: { type: 'string' }, ref: { type: 'string' }, 'as-of': { type: 'string' },
  'from-snapshot': { type: 'string' }, 'to-snapshot': { type: 'string' }, 'skip-non-appends': { type: 'boolean' },
} as const;

function positiveInt(name: string, text: string | undefined, command: string, allowZero = false): number | undefined {
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

function parseSnapshot(
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

function oneTable(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command}: missing <table> (a table directory or metadata file, or ns.table with -c NAME / --uri URI)`, command);
  if (positionals.length > 1) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(positionals[1])}`, command);
  return positionals[0];
}

function wrap<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command}: ${(error as Error).message}`, command);
  }
}

function parseScan(args: string[]): CommandLine {
  const { values, positionals } = wrap('scan', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...HELP, ...MAP, ...SNAPSHOT,
      format: { type: 'string' }, select: { type: 'string' }, filter: { type: 'string' }, limit: { type: 'string' },
      'batch-size': { type: 'string' }, concurrency: { type: 'string' }, 'decode-workers': { type: 'string' }, stats: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' }, 'case-insensitive': { type: 'boolean' },
    },
  }));
  if (values.help) return { command: 'help', topic: 'scan' };
  const format = values.format;
  if (format !== undefined && !['ndjson', 'csv', 'arrow', 'table'].includes(format)) {
    throw new UsageError(`--format expects ndjson, csv, arrow or table, got ${JSON.stringify(format)}`, 'scan');
  }
  const select = values.select?.split(',').map((s) => s.trim());
  if (select !== undefined && select.some((s) => s === '')) throw new UsageError('--select has an empty column name', 'scan');
  return {
    command: 'scan',
    table: oneTable(positionals, 'scan'),
    ...parseCatalogChoice(values, 'scan'),
    ...(format !== undefined ? { format: format as OutputFormat } : {}),
    ...(select !== undefined ? { select } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(values.limit !== undefined ? { limit: positiveInt('limit', values.limit, 'scan', true) } : {}),
    ...(values['batch-size'] !== undefined ? { batchSize: positiveInt('batch-size', values['batch-size'], 'scan') } : {}),
    ...(values.concurrency !== undefined ? { concurrency: positiveInt('concurrency', values.concurrency, 'scan') } : {}),
    ...(values['decode-workers'] !== undefined ? { decodeWorkers: positiveInt('decode-workers', values['decode-workers'], 'scan', true) } : {}),
    ...parseSnapshot(values, 'scan'),
    locationMap: parseLocationMap(values.map, 'scan'),
    properties: parseProperties(values.prop, 'scan'),
    ...parseAllowedLocations(values['allow-location'], 'scan'),
    caseSensitive: !values['case-insensitive'],
    stats: values.stats === true,
    quiet: values.quiet === true,
  };
}

function parseInspect(args: string[]): CommandLine {
  const { values, positionals } = wrap('inspect', () => parseArgs({
    args, allowPositionals: true, strict: true, options: { ...HELP, ...MAP, json: { type: 'boolean' } },
  }));
  if (values.help) return { command: 'help', topic: 'inspect' };
  return {
    command: 'inspect',
    table: oneTable(positionals, 'inspect'),
    ...parseCatalogChoice(values, 'inspect'),
    json: values.json === true,
    locationMap: parseLocationMap(values.map, 'inspect'),
    properties: parseProperties(values.prop, 'inspect'),
    ...parseAllowedLocations(values['allow-location'], 'inspect'),
  };
}

function parsePlan(args: string[]): CommandLine {
  const { values, positionals } = wrap('plan', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...HELP, ...MAP, ...SNAPSHOT, filter: { type: 'string' }, json: { type: 'boolean' }, 'case-insensitive': { type: 'boolean' } },
  }));
  if (values.help) return { command: 'help', topic: 'plan' };
  return {
    command: 'plan',
    table: oneTable(positionals, 'plan'),
    ...parseCatalogChoice(values, 'plan'),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...parseSnapshot(values, 'plan'),
    json: values.json === true,
    caseSensitive: !values['case-insensitive'],
    locationMap: parseLocationMap(values.map, 'plan'),
    properties: parseProperties(values.prop, 'plan'),
    ...parseAllowedLocations(values['allow-location'], 'plan'),
  };
}

function parseCount(args: string[]): CommandLine {
  const { values, positionals } = wrap('count', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...HELP, ...MAP, ...SNAPSHOT, filter: { type: 'string' }, stats: { type: 'boolean' }, 'case-insensitive': { type: 'boolean' } },
  }));
  if (values.help) return { command: 'help', topic: 'count' };
  return {
    command: 'count',
    table: oneTable(positionals, 'count'),
    ...parseCatalogChoice(values, 'count'),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...parseSnapshot(values, 'count'),
    caseSensitive: !values['case-insensitive'],
    stats: values.stats === true,
    locationMap: parseLocationMap(values.map, 'count'),
    properties: parseProperties(values.prop, 'count'),
    ...parseAllowedLocations(values['allow-location'], 'count'),
  };
}

/** Parses the arguments after the program name. Throws `UsageError` on any mistake. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' && COMMANDS.includes(rest[0] as CommandName) ? (rest[0] as CommandName) : undefined;
    return topic !== undefined ? { command: 'help', topic } : { command: 'help' };
  }
  switch (first) {
    case 'scan': return parseScan(rest);
    case 'inspect': return parseInspect(rest);
    case 'plan': return parsePlan(rest);
    case 'count': return parseCount(rest);
    case 'list': return parseListCommand(rest);
    case 'tail': return parseTailCommand(rest);
    case 'dispatch': return parseDispatchCommand(rest);
    case 'worker': return parseWorkerCommand(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(first)} (expected scan, inspect, plan, count, list, tail, dispatch or worker; see --help)`);
  }
}
