/**
 * `iceberg-rx list [-c NAME | --uri URI] [namespace]`: the namespaces of a catalog, or the child
 * namespaces and tables of one namespace. Text: one `namespace <name>` or `table <ns.name>` line
 * each; `--json`: one object `{ "namespaces": [...], "tables": [...] }` of dotted names.
 */
import { parseArgs } from 'node:util';
import { describeError, exitCodeOf, EXIT_OK, UsageError } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { CATALOG_OPTIONS, connectCommandCatalog, namesCatalog, parseCatalogChoice, type CatalogChoice } from './catalog-options.ts';
import { createOutputSink } from './output-sink.ts';
import { HELP, parseProperties, wrap } from './command-args.ts';

/** Parsed `list` options. */
export interface ListCommandOptions extends CatalogChoice {
  readonly command: 'list';
  /** The namespace whose tables (and child namespaces) are listed; absent: the top-level namespaces. */
  readonly namespace?: string;
  readonly json: boolean;
  /** `--prop KEY=VALUE` catalog properties. */
  readonly properties: Record<string, string>;
}

/**
 * Parses the arguments after `list`.
 *
 * @returns The options, or `help` when `--help` was given.
 */
export function parseListCommand(args: string[]): ListCommandOptions | { readonly command: 'help'; readonly topic: 'list' } {
  const { values, positionals } = wrap('list', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...HELP, json: { type: 'boolean' }, prop: { type: 'string', multiple: true }, ...CATALOG_OPTIONS },
  }));
  if (values.help) return { command: 'help', topic: 'list' };
  const choice = parseCatalogChoice(values, 'list');
  if (!namesCatalog(choice)) throw new UsageError('list: name a catalog with -c NAME (from .pyiceberg.yaml) or --uri URI (a REST catalog)', 'list');
  if (positionals.length > 1) throw new UsageError(`list: unexpected argument ${JSON.stringify(positionals[1])}`, 'list');
  return {
    command: 'list',
    ...choice,
    ...(positionals[0] !== undefined ? { namespace: positionals[0] } : {}),
    json: values.json === true,
    properties: parseProperties(values.prop, 'list'),
  };
}

/** Runs `list`; resolves with the exit code. */
export async function runList(options: ListCommandOptions, env: CliEnv): Promise<number> {
  const sink = createOutputSink(env.stdout);
  try {
    const catalog = await connectCommandCatalog(options, options.properties);
    try {
      const namespaces = (await catalog.listNamespaces(options.namespace)).map((n) => n.join('.'));
      const tables = options.namespace !== undefined ? (await catalog.listTables(options.namespace)).map((t) => [...t.namespace, t.name].join('.')) : [];
      await sink.write(
        options.json
          ? `${JSON.stringify({ namespaces, tables })}\n`
          : [...namespaces.map((n) => `namespace ${n}\n`), ...tables.map((t) => `table ${t}\n`)].join(''),
      );
      await sink.end();
      return EXIT_OK;
    } finally {
      catalog.close();
    }
  } catch (error) {
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}
