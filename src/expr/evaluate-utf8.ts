/**
 * Byte-level string predicates for the row evaluator: compares Utf8 column bytes with the UTF-8
 * literal without decoding each value (UTF-8 byte order is code-point order, as the semantics use).
 */
import { DataType, type Data } from 'apache-arrow';

const encoder = new TextEncoder();

/** Unsigned comparison of `bytes[start, end)` with `lit`. */
function compareRange(bytes: Uint8Array, start: number, end: number, lit: Uint8Array): number {
  const len = end - start;
  const n = Math.min(len, lit.length);
  for (let k = 0; k < n; k++) {
    const d = bytes[start + k] - lit[k];
    if (d !== 0) return d;
  }
  return len - lit.length;
}

function startsWithRange(bytes: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  if (end - start < lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (bytes[start + k] !== lit[k]) return false;
  return true;
}

/**
 * Evaluates a string comparison on a Utf8 / LargeUtf8 column into `out` (1 = match; null rows 0).
 *
 * @returns false when the column is not a plain Utf8 column (the caller falls back).
 */
export function utf8Predicate(
  op: string,
  data: Data,
  literal: string,
  valid: ((row: number) => boolean) | undefined,
  out: Uint8Array,
): boolean {
  if (!DataType.isUtf8(data.type) && !DataType.isLargeUtf8(data.type)) return false;
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const bytes = data.values as Uint8Array;
  const lit = encoder.encode(literal);
  const big = typeof offsets[0] === 'bigint';
  const at = (i: number): number => (big ? Number(offsets[i]) : (offsets[i] as number));
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const s = at(i);
    const e = at(i + 1);
    let m: boolean;
    switch (op) {
      case 'startsWith': m = startsWithRange(bytes, s, e, lit); break;
      case 'notStartsWith': m = !startsWithRange(bytes, s, e, lit); break;
      case 'eq': m = e - s === lit.length && startsWithRange(bytes, s, e, lit); break;
      case 'notEq': m = !(e - s === lit.length && startsWithRange(bytes, s, e, lit)); break;
      case 'lt': m = compareRange(bytes, s, e, lit) < 0; break;
      case 'ltEq': m = compareRange(bytes, s, e, lit) <= 0; break;
      case 'gt': m = compareRange(bytes, s, e, lit) > 0; break;
      case 'gtEq': m = compareRange(bytes, s, e, lit) >= 0; break;
      default: return false;
    }
    out[i] = m && (valid === undefined || valid(i)) ? 1 : 0;
  }
  return true;
}
