/**
 * `--help` text of `iceberg-rx` and of each of its commands.
 */

/** The options of every command that loads a table: where its files are, and its catalog. */
const TABLE_OPTIONS_HELP = `  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location, where they
                        are (add_files, migrations; repeatable; * allows any location)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable): s3.endpoint, s3.region,
                        s3.access-key-id, s3.secret-access-key, s3.session-token,
                        s3.path-style-access, s3.request-timeout (s), header.<Name> (HTTP)
  -c, --catalog <name>  <table> is ns.table in catalog <name> of .pyiceberg.yaml or the
                        PYICEBERG_CATALOG__<NAME>__<PROPERTY> variables (--prop adds properties)
  --uri <uri>           <table> is ns.table in the Iceberg REST catalog at <uri>
  --token <token>       bearer token of the catalog
  --credential <id:secret>  OAuth2 client credentials of the catalog
`;

/** Help of the program (no command, or `--help` before a command). */
export const MAIN_HELP = `iceberg-rx: stream an Apache Iceberg table from the command line

Usage:
  iceberg-rx <command> <table> [options]

Commands:
  scan <table>      print the table's rows (NDJSON, CSV, Arrow IPC or an aligned table)
  inspect <table>   print the schema, partition specs, sort orders, snapshots, refs and properties
  plan <table>      print the file tasks a scan would read, and what pruning removed
  count <table>     print the exact number of rows (after deletes and filter)
  tail <table>      follow the table: print the rows of each new append as it is committed
  list [namespace]  list a catalog's namespaces, or a namespace's tables (-c NAME or --uri URI)
  dispatch <table>  run a scan's file tasks on worker processes through Redis (BullMQ), to files
  worker            run the tasks that dispatch queued (--redis URL), until SIGTERM

<table> is a table directory (version-hint.text or the newest metadata file is used) or a
metadata JSON file (*.metadata.json, *.gz.metadata.json): a local path, s3://bucket/... (also
s3a://, s3n://; --prop s3.endpoint=... for S3-compatible servers) or http(s)://... (a metadata file),
or ns.table in a catalog: -c NAME (.pyiceberg.yaml) or --uri URI (an Iceberg REST catalog).

Run "iceberg-rx <command> --help" for a command's options.
Exit codes: 0 done, 1 the scan failed (error code and file printed), 2 bad arguments.
`;

/** Help of `scan`. */
export const SCAN_HELP = `Usage: iceberg-rx scan <table> [options]

Streams the rows of a table to stdout.

Options:
  --format <f>          ndjson | csv | arrow | table
                        (default: table when stdout is a terminal, else ndjson)
  --select <a,b,...>    columns to read (nested paths a.b; metadata columns _file, _pos, ...)
  --filter "<expr>"     row filter, e.g. "id > 10 AND name LIKE 'a%'" (prunes files and row groups)
  --limit <n>           stop after n rows
  --snapshot <id>       read this snapshot id
  --ref <name>          read this branch or tag
  --as-of <time>        read the snapshot current at this time (ISO-8601 or epoch milliseconds)
  --from-snapshot <id>  incremental scan: only rows appended after this snapshot (exclusive)
  --to-snapshot <id>    incremental scan: ... up to this snapshot (inclusive; default current)
  --skip-non-appends    incremental scan: skip overwrite/delete snapshots instead of failing
  --batch-size <n>      rows per batch (default 131072)
  --concurrency <n>     files read at once (default 4)
  --decode-workers <n>  Parquet decode threads (default: one per core; 0 decodes on the main thread)
${TABLE_OPTIONS_HELP}  --case-insensitive    match --select and --filter names case-insensitively
  --stats               print one JSON object of scan statistics to stderr at the end
  --quiet               no progress display
  -h, --help            show this help

NDJSON values: int/long as numbers within +-2^53 (strings beyond), float/double as numbers
(NaN/Infinity as strings), decimals as strings with their scale, dates YYYY-MM-DD, times
HH:MM:SS.ffffff, timestamps ISO-8601 with microseconds (nanoseconds for _ns, Z for tz types),
uuid canonical, binary/fixed base64, structs objects, lists arrays, maps [{"key","value"}],
variants the JSON value they hold.
`;

/** Help of `inspect`. */
export const INSPECT_HELP = `Usage: iceberg-rx inspect <table> [options]

Prints the table's format version, location, schema (field ids and types), partition specs,
sort orders, snapshots and refs, and properties.

Options:
  --json                print one JSON object instead of text
${TABLE_OPTIONS_HELP}  -h, --help            show this help
`;

/** Help of `plan`. */
export const PLAN_HELP = `Usage: iceberg-rx plan <table> [options]

Prints the file tasks a scan would read: data file, format, size, record count, partition and
attached delete files, then a summary of what pruning removed.

Options:
  --filter "<expr>"     row filter used for pruning
  --snapshot <id>       plan this snapshot id
  --ref <name>          plan this branch or tag
  --as-of <time>        plan the snapshot current at this time (ISO-8601 or epoch milliseconds)
  --from-snapshot <id>  plan only the files appended after this snapshot (--to-snapshot <id>
                        ends the range, default current; --skip-non-appends skips overwrites)
${TABLE_OPTIONS_HELP}  --case-insensitive    match --filter names case-insensitively
  --json                print one JSON object per task (NDJSON) and a final summary object
  -h, --help            show this help
`;

/** Help of `count`. */
export const COUNT_HELP = `Usage: iceberg-rx count <table> [options]

Prints the exact number of rows, after deletes and the filter. Files without delete files or a
residual filter are counted from their manifest record counts, without being opened; the others
are read, but only the columns the filter and equality deletes need (none for position deletes).

Options:
  --filter "<expr>"     row filter
  --snapshot <id>       count this snapshot id
  --ref <name>          count this branch or tag
  --as-of <time>        count the snapshot current at this time (ISO-8601 or epoch milliseconds)
  --from-snapshot <id>  count only the rows appended after this snapshot (--to-snapshot <id>
                        ends the range, default current; --skip-non-appends skips overwrites)
${TABLE_OPTIONS_HELP}  --case-insensitive    match --filter names case-insensitively
  --stats               print one JSON object of scan statistics to stderr (filesCountedFromMetadata:
                        files answered by their record counts; files: files read)
  -h, --help            show this help
`;

/** Help of `list`. */
export const LIST_HELP = `Usage: iceberg-rx list (-c <name> | --uri <uri>) [namespace] [options]

Lists a catalog's top-level namespaces, or the child namespaces and tables of [namespace]
(dotted, e.g. prod.analytics): one "namespace <name>" or "table <ns.name>" line each.

Options:
  -c, --catalog <name>  catalog <name> of .pyiceberg.yaml ($PYICEBERG_HOME, ~ or the working
                        directory) or of PYICEBERG_CATALOG__<NAME>__<PROPERTY> variables
  --uri <uri>           the Iceberg REST catalog at <uri>
  --token <token>       bearer token
  --credential <id:secret>  OAuth2 client credentials (token from oauth2-server-uri, scope catalog)
  --prop <key>=<value>  catalog property (repeatable): warehouse, header.<Name>, oauth2-server-uri,
                        scope, rest-page-size, and FileIO properties (s3.endpoint, ...)
  --json                print one JSON object {"namespaces": [...], "tables": [...]}
  -h, --help            show this help
`;

/** Help of `tail`. */
export const TAIL_HELP = `Usage: iceberg-rx tail <table> [options]

Follows a table: polls it and prints the rows of each append snapshot committed after the start
(default: after the current snapshot, so only new commits), in commit order, with one line per
commit on stderr. Stops with exit code 0 on Ctrl-C (SIGINT) or SIGTERM after the batch in hand.
An overwrite or delete commit stops it with error non_append_snapshot (exit 1) unless
--skip-non-appends; compactions (replace) are passed over.

Options:
  --from <id>           start after this snapshot (a checkpoint: the id of the last commit printed)
  --interval <t>        wait between polls: 500ms, 1s (default), 2m; a bare number is seconds
  --format <f>          ndjson (default) | csv
  --select <a,b,...>    columns to print
  --filter "<expr>"     row filter, e.g. "id > 10"
  --skip-non-appends    pass over overwrite and delete commits (their rows are not printed)
  --batch-size <n>      rows per batch (default 131072)
  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location (repeatable)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable)
  -c, --catalog <name>  <table> is ns.table in catalog <name> of .pyiceberg.yaml (polled through it)
  --uri <uri>           <table> is ns.table in the Iceberg REST catalog at <uri>
  --token <token>       bearer token of the catalog
  --credential <id:secret>  OAuth2 client credentials of the catalog
  --case-insensitive    match --select and --filter names case-insensitively
  -q, --quiet           no per-commit lines on stderr
  -h, --help            show this help
`;
