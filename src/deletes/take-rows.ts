/**
 * `takeRows`: a vectorised row selection over apache-arrow record batches (arrow-js has no take or
 * filter kernel), copying each column's buffers once for the kept rows.
 */
import {
  Data, DataType, RecordBatch, Struct, Type, makeData, makeVector, vectorFromArray, type Field,
} from 'apache-arrow';

/**
 * The rows of `batch` at `indices` (ascending, distinct, each < `batch.numRows`), same schema.
 * A contiguous run of indices is a zero-copy slice; otherwise every column is copied: fixed-width
 * and boolean values, variable-width bytes, list/map children, struct children, dictionary indices
 * (the dictionary is shared) and validity bitmaps.
 *
 * @param batch The source batch.
 * @param indices Row indices to keep.
 * @returns A batch of `indices.length` rows.
 */
export function takeRows(batch: RecordBatch, indices: Int32Array): RecordBatch {
  const n = indices.length;
  if (n === batch.numRows) return batch;
  if (n > 0 && indices[n - 1]! - indices[0]! === n - 1) return batch.slice(indices[0]!, indices[n - 1]! + 1);
  const struct = makeData({
    type: new Struct(batch.schema.fields as Field[]),
    length: n,
    nullCount: 0,
    children: batch.data.children.map((child) => takeData(child, indices)),
  });
  return new RecordBatch(batch.schema, struct);
}

/** Below this many elements a copy loop beats `set(subarray(...))` (which allocates a view). */
const RUN_COPY_MIN = 48;
/** The same threshold for byte runs copied four bytes at a time (measured: ~256 bytes). */
const BYTE_RUN_COPY_MIN = 256;

/** Selects `indices` (logical, relative to `data`) of one column. */
export function takeData<T extends DataType>(data: Data<T>, indices: Int32Array): Data<T> {
  const n = indices.length;
  const type = data.type as DataType;
  const nullBitmap = takeValidity(data, indices);
  const nullCount = nullBitmap === undefined ? 0 : n - countSet(nullBitmap, n);
  const base = { type, length: n, nullCount, nullBitmap } as const;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never) as Data<T>;
    case Type.Bool: {
      const out = new Uint8Array(Math.ceil(n / 8));
      const bits = data.values as Uint8Array;
      for (let j = 0; j < n; j++) {
        const b = data.offset + indices[j]!;
        if (bits[b >> 3]! & (1 << (b & 7))) out[j >> 3] = out[j >> 3]! | (1 << (j & 7));
      }
      return makeData({ ...base, data: out } as never) as Data<T>;
    }
    case Type.Int: case Type.Float: case Type.Decimal: case Type.Date: case Type.Time: case Type.Timestamp:
    case Type.Interval: case Type.Duration: case Type.FixedSizeBinary: {
      const values = data.values as unknown as ArrayBufferView & { BYTES_PER_ELEMENT: number };
      const width = data.stride * values.BYTES_PER_ELEMENT; // bytes per value
      const out = new (values.constructor as unknown as new (n: number) => ArrayBufferView)(data.stride * n);
      copyFixed(values, out, width, indices);
      return makeData({ ...base, data: out } as never) as Data<T>;
    }
    case Type.Dictionary: {
      const values = data.values as unknown as { [i: number]: number; constructor: new (n: number) => never };
      const out = new (values.constructor as new (n: number) => { [i: number]: number })(n);
      for (let j = 0; j < n; j++) out[j] = values[indices[j]!]!;
      return makeData({ ...base, data: out, dictionary: data.dictionary } as never) as Data<T>;
    }
    case Type.Utf8: case Type.Binary: case Type.LargeUtf8: case Type.LargeBinary:
      return takeVariable(data, indices, base) as Data<T>;
    case Type.List: case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const outOffsets = new Int32Array(n + 1);
      let total = 0;
      for (let j = 0; j < n; j++) {
        total += offsets[indices[j]! + 1]! - offsets[indices[j]!]!;
        outOffsets[j + 1] = total;
      }
      const childIdx = new Int32Array(total);
      let o = 0;
      for (let j = 0; j < n; j++) for (let c = offsets[indices[j]!]!; c < offsets[indices[j]! + 1]!; c++) childIdx[o++] = c;
      const child = takeData(data.children[0]!, childIdx);
      return makeData({ ...base, valueOffsets: outOffsets, child } as never) as Data<T>;
    }
    case Type.Struct:
      return makeData({ ...base, children: data.children.map((c) => takeData(c, indices)) } as never) as Data<T>;
    default: {
      const vector = makeVector(data);
      const picked = Array.from(indices, (i) => vector.get(i));
      return vectorFromArray(picked, type).data[0] as unknown as Data<T>;
    }
  }
}

/** Copies Utf8/Binary (32-bit offsets) and LargeUtf8/LargeBinary (64-bit offsets) values. */
function takeVariable(data: Data, indices: Int32Array, base: object): Data {
  const n = indices.length;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const large = offsets instanceof BigInt64Array;
  const at = (i: number): number => (large ? Number(offsets[i]) : (offsets[i] as number));
  let total = 0;
  for (let j = 0; j < n; j++) total += at(indices[j]! + 1) - at(indices[j]!);
  const values = data.values as Uint8Array;
  const out = new Uint8Array(total);
  const inView = new DataView(values.buffer, values.byteOffset, values.byteLength);
  const outView = new DataView(out.buffer);
  const outOffsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let o = 0;
  for (let j = 0; j < n; ) {
    // copy the bytes of a run of consecutive rows at once
    let e = j + 1;
    while (e < n && indices[e] === indices[e - 1]! + 1) e++;
    const from = at(indices[j]!);
    const to = at(indices[e - 1]! + 1);
    if (to - from >= BYTE_RUN_COPY_MIN) out.set(values.subarray(from, to), o);
    else copySmall(values, inView, from, to, out, outView, o);
    for (let r = j; r < e; r++) {
      const end = o + at(indices[r]! + 1) - from;
      if (large) (outOffsets as BigInt64Array)[r + 1] = BigInt(end);
      else (outOffsets as Int32Array)[r + 1] = end;
    }
    o += to - from;
    j = e;
  }
  return makeData({ ...base, valueOffsets: outOffsets, data: out } as never);
}

/**
 * Copies fixed-width values of the kept rows through 32-bit words when the width allows it (no
 * BigInt boxing for 64-bit types, no per-byte loops for decimals), and through bytes otherwise.
 */
function copyFixed(values: ArrayBufferView, out: ArrayBufferView, width: number, indices: Int32Array): void {
  const n = indices.length;
  const aligned = width % 4 === 0 && values.byteOffset % 4 === 0;
  const w = aligned ? width / 4 : width;
  const src = aligned ? new Uint32Array(values.buffer, values.byteOffset, values.byteLength / 4) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const dst = aligned ? new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4) : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  for (let j = 0; j < n; ) {
    // a run of consecutive rows is one block copy when long enough to beat the loop
    let e = j + 1;
    while (e < n && indices[e] === indices[e - 1]! + 1) e++;
    const i = indices[j]!;
    if ((e - j) * w >= RUN_COPY_MIN) {
      dst.set(src.subarray(i * w, (i + e - j) * w), j * w);
    } else if (w === 1) {
      for (let k = 0; k < e - j; k++) dst[j + k] = src[i + k]!;
    } else if (w === 2) {
      for (let k = 0; k < 2 * (e - j); k++) dst[2 * j + k] = src[2 * i + k]!;
    } else {
      for (let k = 0; k < w * (e - j); k++) dst[w * j + k] = src[w * i + k]!;
    }
    j = e;
  }
}

/** Copies a few bytes four at a time (DataView handles any alignment; twice a byte loop's speed). */
function copySmall(src: Uint8Array, srcView: DataView, from: number, to: number, dst: Uint8Array, dstView: DataView, at: number): void {
  let k = from;
  let o = at;
  for (; k + 4 <= to; k += 4, o += 4) dstView.setUint32(o, srcView.getUint32(k, true), true);
  for (; k < to; k++, o++) dst[o] = src[k]!;
}

/** The validity bitmap of the kept rows, or undefined when the column has no nulls. */
function takeValidity(data: Data, indices: Int32Array): Uint8Array | undefined {
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) return undefined;
  const bits = data.nullBitmap;
  const n = indices.length;
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let j = 0; j < n; j++) {
    const b = data.offset + indices[j]!;
    if (bits[b >> 3]! & (1 << (b & 7))) out[j >> 3] = out[j >> 3]! | (1 << (j & 7));
  }
  return out;
}

function countSet(bits: Uint8Array, n: number): number {
  let c = 0;
  for (let j = 0; j < n; j++) if (bits[j >> 3]! & (1 << (j & 7))) c++;
  return c;
}
