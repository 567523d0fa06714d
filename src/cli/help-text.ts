/**
 * `--help` text of `iceberg-rx` and of each of its commands.
 */

/** Help of the program (no command, or `--help` before a command). */
export const MAIN_HELP = `iceberg-rx: stream an Apache Iceberg table from the command line

Usage:
  iceberg-rx <command> <table> [options]

Commands:
  scan <table>      print the table's rows (NDJSON, CSV, Arrow IPC or an aligned table)
  inspect <table>   print the schema, partition specs, sort orders, snapshots, refs and properties
  plan <table>      print the file tasks a scan would read, and what pruning removed
  count <table>     print the exact number of rows (after deletes and filter)

<table> is a table directory (version-hint.text or the newest metadata file is used) or a
metadata JSON file (*.metadata.json, *.gz.metadata.json): a local path, s3://bucket/... (also
s3a://, s3n://; --prop s3.endpoint=... for S3-compatible servers) or http(s)://... (a metadata file).

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
  --batch-size <n>      rows per batch (default 131072)
  --concurrency <n>     files read at once (default 4)
  --decode-workers <n>  Parquet decode threads (default: one per core; 0 decodes on the main thread)
  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location, where they
                        are (add_files, migrations; repeatable; * allows any location)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable): s3.endpoint, s3.region,
                        s3.access-key-id, s3.secret-access-key, s3.session-token,
                        s3.path-style-access, s3.request-timeout (s), header.<Name> (HTTP)
  --case-insensitive    match --select and --filter names case-insensitively
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
  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location, where they
                        are (add_files, migrations; repeatable; * allows any location)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable): s3.endpoint, s3.region,
                        s3.access-key-id, s3.secret-access-key, s3.session-token,
                        s3.path-style-access, s3.request-timeout (s), header.<Name> (HTTP)
  -h, --help            show this help
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
  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location, where they
                        are (add_files, migrations; repeatable; * allows any location)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable): s3.endpoint, s3.region,
                        s3.access-key-id, s3.secret-access-key, s3.session-token,
                        s3.path-style-access, s3.request-timeout (s), header.<Name> (HTTP)
  --case-insensitive    match --filter names case-insensitively
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
  --map <from>=<to>     location prefix map for moved tables (repeatable)
  --allow-location <p>  also read files under prefix p outside the table location, where they
                        are (add_files, migrations; repeatable; * allows any location)
  --prop <key>=<value>  FileIO property, PyIceberg names (repeatable): s3.endpoint, s3.region,
                        s3.access-key-id, s3.secret-access-key, s3.session-token,
                        s3.path-style-access, s3.request-timeout (s), header.<Name> (HTTP)
  --case-insensitive    match --filter names case-insensitively
  --stats               print one JSON object of scan statistics to stderr (filesCountedFromMetadata:
                        files answered by their record counts; files: files read)
  -h, --help            show this help
`;
