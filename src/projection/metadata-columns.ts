/**
 * Iceberg metadata columns (spec "Reserved Field IDs" and "Row Lineage"): their ids, types, and
 * the per-batch builders of `_file`, `_pos`, `_spec_id`, `_partition`, `_row_id` and
 * `_last_updated_sequence_number`.
 */
import { Data, Int64, makeData } from 'apache-arrow';
import type { NestedField, StructType } from '../metadata/schema.ts';

/** Reserved field ids of the metadata columns (Integer.MAX_VALUE - n). */
export const METADATA_FIELD_IDS = {
  _file: 2147483646,
  _pos: 2147483645,
  _deleted: 2147483644,
  _spec_id: 2147483643,
  _partition: 2147483642,
  _row_id: 2147483540,
  _last_updated_sequence_number: 2147483539,
} as const;

/** Names of the metadata columns a scan can select. */
export type MetadataColumnName = '_file' | '_pos' | '_spec_id' | '_partition' | '_row_id' | '_last_updated_sequence_number';

/** The selectable metadata column names. */
export const METADATA_COLUMN_NAMES: readonly MetadataColumnName[] = [
  '_file', '_pos', '_spec_id', '_partition', '_row_id', '_last_updated_sequence_number',
];

/** Highest id a table field may use (ids above are reserved for metadata columns). */
export const MAX_TABLE_FIELD_ID = 2147483447;

/** True for a selectable metadata column name. */
export function isMetadataColumnName(name: string): name is MetadataColumnName {
  return (METADATA_COLUMN_NAMES as readonly string[]).includes(name);
}

/** The Iceberg field of a metadata column (`_partition` takes the union partition struct). */
export function metadataField(name: MetadataColumnName, partitionType: StructType): NestedField {
  const id = METADATA_FIELD_IDS[name];
  switch (name) {
    case '_file': return { id, name, required: true, type: 'string' };
    case '_pos': return { id, name, required: true, type: 'long' };
    case '_spec_id': return { id, name, required: true, type: 'int' };
    case '_partition': return { id, name, required: false, type: partitionType };
    case '_row_id': return { id, name, required: false, type: 'long' };
    case '_last_updated_sequence_number': return { id, name, required: false, type: 'long' };
  }
}

const TWO_32 = 2 ** 32;

/**
 * `n` consecutive longs starting at `start`, or `start + offsets[i]` for each of `offsets` (rows
 * left after a pushed-down selection). Written as 32-bit words: no per-row BigInt.
 */
export function sequenceData(start: number, n: number, offsets?: Int32Array): Data<Int64> {
  const count = offsets?.length ?? n;
  const out = new BigInt64Array(count);
  const words = new Int32Array(out.buffer);
  const last = offsets === undefined ? n - 1 : (offsets[count - 1] ?? 0);
  if (start + last < 2 ** 31) {
    // high words stay 0
    if (offsets === undefined) for (let i = 0; i < count; i++) words[2 * i] = start + i;
    else for (let i = 0; i < count; i++) words[2 * i] = start + offsets[i]!;
    return makeData({ type: new Int64(), length: count, nullCount: 0, data: out });
  }
  for (let i = 0; i < count; i++) {
    const v = start + (offsets === undefined ? i : offsets[i]!);
    words[2 * i] = v % TWO_32 | 0;
    words[2 * i + 1] = Math.floor(v / TWO_32);
  }
  return makeData({ type: new Int64(), length: count, nullCount: 0, data: out });
}

/**
 * Fills the null slots of a decoded long column from `fallback` (same length): the row lineage
 * rule "the file value when non-null, else the inherited value". `fallback` is either all valid or
 * all null (no inherited value), so the result's validity is all-valid or the decoded one.
 */
export function coalesceLong(decoded: Data, fallback: Data<Int64>): Data<Int64> {
  if (decoded.nullCount === 0 || fallback.nullCount === fallback.length) return decoded.clone(new Int64()) as Data<Int64>;
  const n = decoded.length;
  const out = new BigInt64Array(n);
  const src = decoded.values as BigInt64Array;
  const fb = fallback.values as BigInt64Array;
  for (let i = 0; i < n; i++) out[i] = decoded.getValid(i) ? src[i] : fb[i];
  return makeData({ type: new Int64(), length: n, nullCount: 0, data: out });
}
