/**
 * THE list of EXPECTED.json expectations that iceberg-rx does not meet yet, each with the feature
 * it waits for. It only shrinks: the conformance suite fails when a listed expectation passes
 * (remove it here) and when an unlisted one fails.
 */

/** What a known gap waits for. */
export type GapFeature =
  /** Filter expressions the filter layer does not support yet (column = column, metadata columns). */
  | 'filters'
  /** Delete-file reading decisions or fixes in the delete layer. */
  | 'deletes'
  /** Schema, projection or type rules (here: variant values). */
  | 'projection'
  /** Avro data files (only Parquet data files are read). */
  | 'avro-data-files'
  /** Engine session time zone semantics: Impala reads filter literals in its session zone. */
  | 'engine-timezone'
  /** The harness cannot yet render nested values the way DuckDB prints them. */
  | 'harness-rendering';

/** One known gap. */
export interface KnownGap {
  readonly feature: GapFeature;
  /** Why it fails today, in a sentence. */
  readonly why: string;
}

const BUDAPEST = 'Impala interprets timestamp literals in the session zone Europe/Budapest; literals are read as UTC';
const SHORT_DELETE_FILE =
  'the delete file is 1581 bytes but its manifest records 1598; the delete loader reads the recorded size';
const NULL_FILE_PATH = 'position delete files with NULL file_path (the spec forbids them; Impala skips them): rejected as data_invalid';
const AVRO = 'data files are Avro; only Parquet data files are read (feature_unsupported)';

/** Known gaps by expectation id (`<table> @ <test file>:<line>`, see `expectationId`). */
export const KNOWN_GAPS: Readonly<Record<string, KnownGap>> = {
  'apache__impala/iceberg_alltypes_part @ iceberg-query.test:1186': {
    feature: 'filters',
    why: 'filter compares two columns (p_int = i); the filter grammar only compares a column with a literal',
  },
  'apache__impala/iceberg_v3_row_lineage @ iceberg-v3-row-lineage.test:611': {
    feature: 'filters',
    why: 'filter on the metadata column _row_id is not bound',
  },
  'apache__impala/iceberg_v3_row_lineage @ iceberg-v3-row-lineage.test:619': {
    feature: 'filters',
    why: 'filter on the metadata column _last_updated_sequence_number is not bound',
  },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:706': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:717': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:728': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:743': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:754': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:765': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:804': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:818': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:835': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:849': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:865': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_v2_delete_positional @ iceberg-v2-read-position-deletes.test:22': { feature: 'deletes', why: SHORT_DELETE_FILE },
  'apache__impala/iceberg_v2_delete_positional @ iceberg-v2-read-position-deletes.test:154': { feature: 'deletes', why: SHORT_DELETE_FILE },
  'apache__impala/iceberg_v2_delete_positional @ iceberg-v2-read-position-deletes.test:201': { feature: 'deletes', why: SHORT_DELETE_FILE },
  'apache__impala/iceberg_v2_delete_positional @ iceberg-v2-read-position-deletes.test:319': { feature: 'deletes', why: SHORT_DELETE_FILE },
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1763': { feature: 'deletes', why: NULL_FILE_PATH },
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1769': { feature: 'deletes', why: NULL_FILE_PATH },
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1775': { feature: 'deletes', why: NULL_FILE_PATH },
  'duckdb__duckdb-iceberg/legacy_bare_deletion_vector__warehouse__default__legacy_bare_deletion_vector @ legacy_bare_deletion_vector.test:37': {
    feature: 'deletes',
    why: 'deletion vector without Puffin framing (DuckDB reads it only with verification off): rejected as data_invalid',
  },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:33': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:58': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:82': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:104': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:129': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:154': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/iceberg_v3_default_value_avro @ iceberg-v3-default-values.test:178': { feature: 'avro-data-files', why: AVRO },
  'apache__impala/trino_variant @ iceberg-v3-variant.test:72': {
    feature: 'projection',
    why: 'a variant holding JSON null and a SQL NULL variant both come out as null',
  },
  'apache__impala/trino_variant @ iceberg-v3-variant.test:145': {
    feature: 'projection',
    why: 'a variant holding JSON null and a SQL NULL variant both come out as null',
  },
  'duckdb__duckdb-iceberg/add_columns_with_defaults_in_struct__default.db__add_columns_with_defaults_in_struct @ initial_default_in_struct_all_types.test:20': {
    feature: 'harness-rendering',
    why: "DuckDB prints a struct of every type as text ({'col_time': '12:06:45', 'col_binary': \\x80...}); the harness renders nested temporal and binary values differently",
  },
};
