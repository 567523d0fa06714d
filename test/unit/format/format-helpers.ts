/** Builders of one-column Arrow batches for the formatter tests. */
import {
  Field,
  RecordBatch,
  Schema,
  Struct,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

/** A validity bitmap for `values` where `null` / `undefined` entries are null. */
export function bitmap(valid: boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((v, i) => {
    if (v) out[i >> 3] |= 1 << (i & 7);
  });
  return out;
}

/** A batch of named columns. */
export function batchOf(columns: { field: Field; data: Data }[]): RecordBatch {
  const schema = new Schema(columns.map((c) => c.field));
  const length = columns[0]?.data.length ?? 0;
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns.map((c) => c.data) });
  return new RecordBatch(schema, struct);
}

/** A primitive column from a typed array, with optional nulls (`valid[i] === false`). */
export function primitive(type: DataType, data: ArrayLike<unknown>, valid?: boolean[], rows?: number): Data {
  const length = rows ?? valid?.length ?? data.length;
  const nullCount = valid ? valid.filter((v) => !v).length : 0;
  return makeData({ type, length, data, nullCount, nullBitmap: valid ? bitmap(valid) : undefined } as never);
}

/** A field with optional metadata. */
export function field(name: string, type: DataType, metadata?: Record<string, string>): Field {
  return new Field(name, type, true, metadata ? new Map(Object.entries(metadata)) : undefined);
}
