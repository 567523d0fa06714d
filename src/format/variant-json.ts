/**
 * Decodes the Parquet/Iceberg variant binary encoding (a metadata dictionary plus a value) into
 * JSON text. Exact numbers stay exact: integers and decimals are written as their own digits,
 * never through a double. Values JSON has no type for follow the NDJSON rules of the CLI
 * (dates, times and timestamps as ISO strings, binary as base64, uuid canonical).
 */
import { IcebergScanError } from '../errors.ts';
import { base64Text, decimalText, float32Text, uuidText } from './scalar-text.ts';
import { formatEpochDay, formatTimeMicros, formatTimestampMicros, formatTimestampNanos } from './temporal-text.ts';

/** A parsed variant metadata dictionary (field names by id). */
export interface VariantMetadata {
  readonly names: readonly string[];
}

function invalid(message: string): IcebergScanError {
  return new IcebergScanError('data_invalid', `variant: ${message}`, { expected: 'a valid variant encoding' });
}

function readUnsigned(bytes: Uint8Array, at: number, size: number): number {
  if (at + size > bytes.length) throw invalid(`truncated at byte ${at}`);
  let v = 0;
  for (let k = size - 1; k >= 0; k--) v = v * 256 + bytes[at + k];
  return v;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Parses a variant metadata buffer: header, dictionary size, offsets and UTF-8 names. */
export function parseVariantMetadata(bytes: Uint8Array): VariantMetadata {
  if (bytes.length < 1) throw invalid('empty metadata');
  const header = bytes[0];
  const version = header & 0x0f;
  if (version !== 1) throw invalid(`unsupported metadata version ${version}`);
  const offsetSize = ((header >> 6) & 0x03) + 1;
  const size = readUnsigned(bytes, 1, offsetSize);
  const offsetsAt = 1 + offsetSize;
  const stringsAt = offsetsAt + (size + 1) * offsetSize;
  if (stringsAt > bytes.length) throw invalid('metadata offsets past the end');
  const names: string[] = new Array(size);
  let start = readUnsigned(bytes, offsetsAt, offsetSize);
  for (let i = 0; i < size; i++) {
    const end = readUnsigned(bytes, offsetsAt + (i + 1) * offsetSize, offsetSize);
    if (end < start || stringsAt + end > bytes.length) throw invalid(`metadata string ${i} out of range`);
    names[i] = utf8.decode(bytes.subarray(stringsAt + start, stringsAt + end));
    start = end;
  }
  return { names };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function need(bytes: Uint8Array, at: number, size: number): void {
  if (at + size > bytes.length) throw invalid(`value truncated at byte ${at}`);
}

function decimalAt(bytes: Uint8Array, at: number, width: number): string {
  need(bytes, at, 1 + width);
  const scale = bytes[at];
  let v = 0n;
  for (let k = width - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + 1 + k]);
  if (bytes[at + width] & 0x80) v -= 1n << BigInt(width * 8);
  return decimalText(v, scale);
}

function doubleText(v: number): string {
  return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
}

function primitive(bytes: Uint8Array, at: number, type: number): string {
  const dv = view(bytes);
  switch (type) {
    case 0: return 'null';
    case 1: return 'true';
    case 2: return 'false';
    case 3: need(bytes, at, 1); return String(dv.getInt8(at));
    case 4: need(bytes, at, 2); return String(dv.getInt16(at, true));
    case 5: need(bytes, at, 4); return String(dv.getInt32(at, true));
    case 6: need(bytes, at, 8); return dv.getBigInt64(at, true).toString();
    case 7: need(bytes, at, 8); return doubleText(dv.getFloat64(at, true));
    case 8: return decimalAt(bytes, at, 4);
    case 9: return decimalAt(bytes, at, 8);
    case 10: return decimalAt(bytes, at, 16);
    case 11: need(bytes, at, 4); return `"${formatEpochDay(dv.getInt32(at, true))}"`;
    case 12: need(bytes, at, 8); return `"${formatTimestampMicros(dv.getBigInt64(at, true), true)}"`;
    case 13: need(bytes, at, 8); return `"${formatTimestampMicros(dv.getBigInt64(at, true), false)}"`;
    case 14: {
      need(bytes, at, 4);
      const f = dv.getFloat32(at, true);
      return Number.isFinite(f) ? float32Text(f) : JSON.stringify(String(f));
    }
    case 15: {
      const n = readUnsigned(bytes, at, 4);
      need(bytes, at + 4, n);
      return `"${base64Text(bytes.subarray(at + 4, at + 4 + n))}"`;
    }
    case 16: {
      const n = readUnsigned(bytes, at, 4);
      need(bytes, at + 4, n);
      return JSON.stringify(utf8.decode(bytes.subarray(at + 4, at + 4 + n)));
    }
    case 17: need(bytes, at, 8); return `"${formatTimeMicros(Number(dv.getBigInt64(at, true)))}"`;
    case 18: need(bytes, at, 8); return `"${formatTimestampNanos(dv.getBigInt64(at, true), true)}"`;
    case 19: need(bytes, at, 8); return `"${formatTimestampNanos(dv.getBigInt64(at, true), false)}"`;
    case 20: need(bytes, at, 16); return `"${uuidText(bytes, at)}"`;
    default: throw invalid(`unknown primitive type ${type}`);
  }
}

function valueAt(meta: VariantMetadata, bytes: Uint8Array, at: number, depth: number): string {
  if (depth > 512) throw invalid('nesting deeper than 512');
  need(bytes, at, 1);
  const head = bytes[at];
  const basic = head & 0x03;
  const header = head >> 2;
  if (basic === 0) return primitive(bytes, at + 1, header);
  if (basic === 1) {
    need(bytes, at + 1, header);
    return JSON.stringify(utf8.decode(bytes.subarray(at + 1, at + 1 + header)));
  }
  const offsetSize = (header & 0x03) + 1;
  if (basic === 2) {
    const idSize = ((header >> 2) & 0x03) + 1;
    const countSize = (header >> 4) & 0x01 ? 4 : 1;
    const n = readUnsigned(bytes, at + 1, countSize);
    const idsAt = at + 1 + countSize;
    const offsetsAt = idsAt + n * idSize;
    const valuesAt = offsetsAt + (n + 1) * offsetSize;
    need(bytes, at, valuesAt - at);
    let out = '{';
    for (let i = 0; i < n; i++) {
      const id = readUnsigned(bytes, idsAt + i * idSize, idSize);
      const name = meta.names[id];
      if (name === undefined) throw invalid(`field id ${id} not in the metadata dictionary`);
      const offset = readUnsigned(bytes, offsetsAt + i * offsetSize, offsetSize);
      out += `${i === 0 ? '' : ','}${JSON.stringify(name)}:${valueAt(meta, bytes, valuesAt + offset, depth + 1)}`;
    }
    return `${out}}`;
  }
  const countSize = (header >> 2) & 0x01 ? 4 : 1;
  const n = readUnsigned(bytes, at + 1, countSize);
  const offsetsAt = at + 1 + countSize;
  const valuesAt = offsetsAt + (n + 1) * offsetSize;
  need(bytes, at, valuesAt - at);
  let out = '[';
  for (let i = 0; i < n; i++) {
    const offset = readUnsigned(bytes, offsetsAt + i * offsetSize, offsetSize);
    out += `${i === 0 ? '' : ','}${valueAt(meta, bytes, valuesAt + offset, depth + 1)}`;
  }
  return `${out}]`;
}

/**
 * JSON text of one variant value. Throws `IcebergScanError('data_invalid')` on a malformed or
 * truncated encoding.
 */
export function variantToJson(metadata: Uint8Array | VariantMetadata, value: Uint8Array): string {
  const meta = metadata instanceof Uint8Array ? parseVariantMetadata(metadata) : metadata;
  return valueAt(meta, value, 0, 0);
}
