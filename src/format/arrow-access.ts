/**
 * Direct reads of Arrow column buffers shared by the formatters: validity bits, variable-width
 * bytes, UTF-8 text, and the whole-column JSON of a string column.
 */
import { Type, type Data } from 'apache-arrow';

/** True when the value at `index` is not null (reads the validity bitmap directly). */
export function isValid(data: Data, index: number): boolean {
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0) return data.type.typeId !== Type.Null;
  if (data.nullCount === 0) return true;
  const p = data.offset + index;
  return (bitmap[p >> 3] & (1 << (p & 7))) !== 0;
}

/** True for printable ASCII without `"` and `\\` in `bytes[start, end)`: JSON needs no escaping. */
function plainAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const b = bytes[k];
    if (b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f) return false;
  }
  return true;
}

/** Whole-column JSON of rows `[start, end)` of a Utf8 column: one decode of the value buffer when it is plain ASCII. */
export function utf8ColumnJson(data: Data, start: number, end: number): string[] {
  const out: string[] = new Array(end - start);
  const offsets = data.valueOffsets;
  const values: Uint8Array = data.values;
  const buf = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const first = Number(offsets[start]);
  const last = Number(offsets[end]);
  const checkNulls = data.nullCount > 0;
  if (plainAscii(values, first, last)) {
    const whole = buf.toString('latin1', first, last);
    for (let i = start; i < end; i++) {
      out[i - start] = checkNulls && !isValid(data, i) ? 'null' : `"${whole.slice(Number(offsets[i]) - first, Number(offsets[i + 1]) - first)}"`;
    }
  } else {
    for (let i = start; i < end; i++) {
      out[i - start] = checkNulls && !isValid(data, i) ? 'null' : JSON.stringify(buf.toString('utf8', Number(offsets[i]), Number(offsets[i + 1])));
    }
  }
  return out;
}

/** The bytes of the variable-width value at `index` (Binary/Utf8 layouts). */
export function bytesAt(data: Data, index: number): Uint8Array {
  const offsets = data.valueOffsets;
  return data.values.subarray(Number(offsets[index]), Number(offsets[index + 1]));
}

/** Decodes UTF-8 bytes at `index` of a Utf8/LargeUtf8 column. */
export function utf8At(data: Data, index: number): string {
  const offsets = data.valueOffsets;
  const values: Uint8Array = data.values;
  const start = Number(offsets[index]);
  const end = Number(offsets[index + 1]);
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('utf8', start, end);
}
