/**
 * An order-independent digest of a scan's rows, computed the same way in the demo page and in the
 * Node side of the browser tests: each row's cells are rendered as text (`null`, bigints and
 * numbers with `String`, byte arrays as hex, nested values as JSON), hashed (FNV-1a, 32 bits), and
 * the row hashes are added up modulo 2^32 (and xored), so batch order does not matter but every
 * value, and how many times each row occurs, does.
 */

/** A cell as text. */
export function cellText(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (value instanceof Date) return String(value.getTime());
  if (typeof value.toJSON === 'function') {
    const json = value.toJSON();
    return typeof json === 'string' ? json : JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  }
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}

function fnv1a(text, hash) {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A running digest: `add(batch)` for each Arrow RecordBatch, then `value()`. */
export function rowDigest() {
  let sum = 0;
  let xor = 0;
  let rows = 0;
  return {
    add(batch) {
      const columns = batch.schema.fields.map((_f, i) => batch.getChildAt(i));
      for (let r = 0; r < batch.numRows; r++) {
        let h = 0x811c9dc5;
        for (const column of columns) h = fnv1a(`${cellText(column.get(r))}\u0001`, h);
        sum = (sum + h) >>> 0;
        xor = (xor ^ h) >>> 0;
      }
      rows += batch.numRows;
    },
    value() {
      return `${rows}:${sum.toString(16).padStart(8, '0')}${xor.toString(16).padStart(8, '0')}`;
    },
  };
}

/**
 * A cell as the grid shows it: decimals with their scale, timestamps and dates as ISO text, the
 * rest as {@link cellText}.
 *
 * @param value The Arrow value.
 * @param type Its Arrow `DataType` (`typeId`: 7 decimal, 8 date, 10 timestamp).
 */
export function displayText(value, type) {
  if (value === null || value === undefined) return 'null';
  try {
    if (type?.typeId === 7 && typeof type.scale === 'number') {
      const text = cellText(value);
      const negative = text.startsWith('-');
      const digits = (negative ? text.slice(1) : text).padStart(type.scale + 1, '0');
      const point = digits.length - type.scale;
      return `${negative ? '-' : ''}${digits.slice(0, point)}${type.scale > 0 ? `.${digits.slice(point)}` : ''}`;
    }
    if (type?.typeId === 10 || type?.typeId === 8) {
      const ms = typeof value === 'bigint' ? Number(value) : Number(value);
      if (Number.isFinite(ms)) return new Date(ms).toISOString();
    }
  } catch {
    // fall through to the plain text
  }
  return cellText(value);
}
