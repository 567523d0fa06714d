/**
 * Turns `iceberg-rx` arguments into typed command options (node:util `parseArgs`, strict: an
 * unknown option or a malformed value is a `UsageError`, exit code 2).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.ts';
import { parseCatalogChoice, type CatalogChoice } from './catalog-options.ts';
import {
  HELP, MAP, SNAPSHOT, oneTable, parseAllowedLocations, parseLocationMap, parseProperties, parseSelect, parseSnapshot, positiveInt, wrap, type SnapshotChoice,
} from './command-args.ts';
import { parseListCommand, type ListCommandOptions } from './list-command.ts';
import { parseTailCommand, type TailCommandOptions } from './tail-command.ts';
import { parseDispatchCommand, type DispatchCommandOptions } from './dispatch-command.ts';
import { parseWorkerCommand, type WorkerCommandOptions } from './worker-command.ts';

export { parseAsOf } from './command-args.ts';
export type { SnapshotChoice } from './command-args.ts';

/** Output formats of `scan`. */
export type OutputFormat = 'ndjson' | 'csv' | 'arrow' | 'table';

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
  const select = parseSelect(values.select, 'scan');
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
