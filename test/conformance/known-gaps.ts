/**
 * THE list of EXPECTED.json expectations that iceberg-rx does not meet yet, each with the feature
 * it waits for. It only shrinks: the conformance suite fails when a listed expectation passes
 * (remove it here) and when an unlisted one fails.
 */

/** What a known gap waits for. */
export type GapFeature =
  /** Filter expressions the filter layer does not support yet (column = column). */
  | 'filters'
  /** Engine session time zone semantics: Impala compares timestamptz values as local wall-clock times. */
  | 'engine-timezone';

/** One known gap. */
export interface KnownGap {
  readonly feature: GapFeature;
  /** Why it fails today, in a sentence. */
  readonly why: string;
}

const BUDAPEST =
  'Impala compares timestamptz values as Europe/Budapest wall-clock times, so the ambiguous local time ' +
  "2021-10-31 02:15:00 (the DST change) matches two instants; iceberg-rx compares instants (the harness maps literals to UTC)";
const NULL_FILE_PATH = 'position delete files with NULL file_path (the spec forbids them; Impala skips them): rejected as data_invalid';
const BARE_DV =
  'a deletion vector without the Puffin framing the spec requires (DuckDB reads it only with verification off): rejected';

/** Known gaps by expectation id (`<table> @ <test file>:<line>`, see `expectationId`). */
export const KNOWN_GAPS: Readonly<Record<string, KnownGap>> = {
  'apache__impala/iceberg_alltypes_part @ iceberg-query.test:1186': {
    feature: 'filters',
    why: 'filter compares two columns (p_int = i); the filter grammar only compares a column with a literal',
  },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:728': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:804': { feature: 'engine-timezone', why: BUDAPEST },
  'apache__impala/iceberg_timestamptz_part @ iceberg-query.test:835': { feature: 'engine-timezone', why: BUDAPEST },
};

/** An expectation that iceberg-rx deliberately refuses: the scan must fail with `code`. */
export interface StrictRefusal {
  readonly code: string;
  /** Which spec rule the table breaks, and what the engine that expects rows does instead. */
  readonly why: string;
}

/**
 * Expectations recorded from engines that accept input the spec forbids. iceberg-rx follows the
 * spec and fails with a typed error; the suite asserts exactly that error (not a gap: by decision).
 */
export const STRICT_REFUSALS: Readonly<Record<string, StrictRefusal>> = {
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1763': { code: 'data_invalid', why: NULL_FILE_PATH },
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1769': { code: 'data_invalid', why: NULL_FILE_PATH },
  'apache__impala/iceberg_v2_null_delete_record @ test_iceberg.py:1775': { code: 'data_invalid', why: NULL_FILE_PATH },
  'duckdb__duckdb-iceberg/legacy_bare_deletion_vector__warehouse__default__legacy_bare_deletion_vector @ legacy_bare_deletion_vector.test:37': { code: 'data_invalid', why: BARE_DV },
};
