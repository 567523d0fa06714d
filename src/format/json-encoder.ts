/**
 * Arrow value → JSON text, per column: one encoder is built per field (from its Arrow type and
 * field metadata) and then reads the column's buffers directly, so a batch is formatted without
 * materialising row objects. The rules are those of `iceberg-rx scan --format ndjson`.
 */
import { DataType, Type, makeVector, type Data, type Field } from 'apache-arrow';
import { bytesAt, isValid, utf8At, utf8ColumnJson } from './arrow-access.ts';
import { base64Text, decimalText, decimalUnscaled, float32Text, uuidText } from './scalar-text.ts';
import {
  formatEpochDay,
  formatTimeMicros,
  formatTimeNanos,
  formatTimestampMicros,
  formatTimestampNanos,
} from './temporal-text.ts';
import { parseVariantMetadata, variantToJson } from './variant-json.ts';
import { isUuidField, isVariantField } from './field-kind.ts';

/** JSON text of the value at logical `index` of `data` (`"null"` for a null). */
export type JsonEncoder = (data: Data, index: number) => string;

/** An encoder with its null-free per-value form and an optional whole-column fast path. */
interface EncoderParts {
  base?: JsonEncoder;
  column?: (data: Data, start: number, end: number) => string[];
}

const MAX_SAFE = 9_007_199_254_740_991n;

function nullable(encode: JsonEncoder): JsonEncoder {
  const wrapped: JsonEncoder & EncoderParts = (data, index) => (isValid(data, index) ? encode(data, index) : 'null');
  wrapped.base = encode;
  return wrapped;
}

function bigIntJson(v: bigint): string {
  return v > MAX_SAFE || v < -MAX_SAFE ? `"${v}"` : v.toString();
}

function doubleJson(v: number): string {
  return Number.isFinite(v) ? String(v) : `"${v}"`;
}

function intEncoder(type: DataType): JsonEncoder {
  const t = type as unknown as { bitWidth: number };
  if (t.bitWidth === 64) return (data, i) => bigIntJson(data.values[i] as bigint);
  return (data, i) => String(data.values[i]);
}

function floatEncoder(type: DataType): JsonEncoder {
  const precision = (type as unknown as { precision: number }).precision;
  if (precision === 0) return (data, i) => halfJson(data.values[i]);
  if (precision === 1) {
    return (data, i) => {
      const v: number = data.values[i];
      return Number.isFinite(v) ? float32Text(v) : `"${v}"`;
    };
  }
  return (data, i) => doubleJson(data.values[i]);
}

function halfJson(bits: number): string {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  const v = exp === 0 ? sign * 2 ** -14 * (frac / 1024) : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  return doubleJson(v);
}

function temporalEncoder(type: DataType): JsonEncoder {
  const t = type as unknown as { unit: number; timezone?: string | null };
  if (DataType.isDate(type)) {
    if (t.unit === 0) return (data, i) => `"${formatEpochDay(data.values[i])}"`;
    return (data, i) => `"${formatEpochDay(Math.floor(Number(data.values[i]) / 86_400_000))}"`;
  }
  if (DataType.isTime(type)) {
    switch (t.unit) {
      case 0: return (data, i) => `"${formatTimeMicros(data.values[i] * 1_000_000)}"`;
      case 1: return (data, i) => `"${formatTimeMicros(data.values[i] * 1000)}"`;
      case 2: return (data, i) => `"${formatTimeMicros(Number(data.values[i]))}"`;
      default: return (data, i) => `"${formatTimeNanos(BigInt(data.values[i]))}"`;
    }
  }
  const utc = t.timezone !== null && t.timezone !== undefined && t.timezone !== '';
  switch (t.unit) {
    case 0: return (data, i) => `"${formatTimestampMicros(BigInt(data.values[i]) * 1_000_000n, utc)}"`;
    case 1: return (data, i) => `"${formatTimestampMicros(BigInt(data.values[i]) * 1000n, utc)}"`;
    case 2: return (data, i) => `"${formatTimestampMicros(data.values[i], utc)}"`;
    default: return (data, i) => `"${formatTimestampNanos(BigInt(data.values[i]), utc)}"`;
  }
}

function structEncoder(field: Field): JsonEncoder {
  const children = (field.type as DataType).children ?? [];
  const keys = children.map((c, k) => `${k === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  const encoders = children.map((c) => jsonEncoderFor(c));
  return (data, i) => {
    if (encoders.length === 0) return '{}';
    let out = '';
    for (let k = 0; k < encoders.length; k++) out += keys[k] + encoders[k](data.children[k], i);
    return `${out}}`;
  };
}

function variantEncoder(field: Field): JsonEncoder {
  const children = (field.type as DataType).children ?? [];
  const m = children.findIndex((c) => c.name === 'metadata');
  const v = children.findIndex((c) => c.name === 'value');
  const tv = children.findIndex((c) => c.name === 'typed_value');
  const typed = tv >= 0 ? jsonEncoderFor(children[tv]) : undefined;
  // Metadata buffers repeat across rows: keep the last parsed dictionary.
  let lastBytes: Uint8Array | undefined;
  let lastMeta: ReturnType<typeof parseVariantMetadata> | undefined;
  return (data, i) => {
    const valueData = data.children[v];
    if (v < 0 || !isValid(valueData, i)) return typed !== undefined ? typed(data.children[tv], i) : 'null';
    const metaBytes = bytesAt(data.children[m], i);
    if (lastMeta === undefined || lastBytes === undefined || !sameBytes(lastBytes, metaBytes)) {
      lastMeta = parseVariantMetadata(metaBytes);
      lastBytes = metaBytes;
    }
    return variantToJson(lastMeta, bytesAt(valueData, i));
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function listEncoder(field: Field): JsonEncoder {
  const child = (field.type as DataType).children[0];
  const encode = jsonEncoderFor(child);
  if (DataType.isFixedSizeList(field.type)) {
    const size = (field.type as unknown as { listSize: number }).listSize;
    return (data, i) => {
      let out = '[';
      for (let k = 0; k < size; k++) out += (k === 0 ? '' : ',') + encode(data.children[0], i * size + k);
      return `${out}]`;
    };
  }
  return (data, i) => {
    const begin = Number(data.valueOffsets[i]);
    const end = Number(data.valueOffsets[i + 1]);
    let out = '[';
    for (let k = begin; k < end; k++) out += (k === begin ? '' : ',') + encode(data.children[0], k);
    return `${out}]`;
  };
}

function mapEncoder(field: Field): JsonEncoder {
  const entries = (field.type as DataType).children[0];
  const [keyField, valueField] = (entries.type as DataType).children;
  const encodeKey = jsonEncoderFor(keyField);
  const encodeValue = jsonEncoderFor(valueField);
  return (data, i) => {
    const begin = Number(data.valueOffsets[i]);
    const end = Number(data.valueOffsets[i + 1]);
    const kv = data.children[0];
    let out = '[';
    for (let k = begin; k < end; k++) {
      out += `${k === begin ? '' : ','}{"key":${encodeKey(kv.children[0], k)},"value":${encodeValue(kv.children[1], k)}}`;
    }
    return `${out}]`;
  };
}

function dictionaryEncoder(field: Field): JsonEncoder {
  const dictType = (field.type as unknown as { dictionary: DataType }).dictionary;
  const encode = jsonEncoderFor(field.clone({ type: dictType }));
  return (data, i) => {
    const dictionary = data.dictionary;
    if (dictionary === undefined) return 'null';
    let key = Number(data.values[i]);
    for (const chunk of dictionary.data) {
      if (key < chunk.length) return isValid(chunk, key) ? encode(chunk, key) : 'null';
      key -= chunk.length;
    }
    return 'null';
  };
}

function fallbackEncoder(): JsonEncoder {
  return (data, i) => {
    const value = getGeneric(data, i);
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  };
}

/** A value of an Arrow type outside the Iceberg mapping (interval, duration, union, views...). */
function getGeneric(data: Data, index: number): unknown {
  const vector = makeVector(data);
  const value = vector.get(index) as unknown;
  if (value instanceof Uint8Array) return base64Text(value);
  if (value !== null && typeof value === 'object' && 'toJSON' in (value as object)) {
    return (value as { toJSON(): unknown }).toJSON();
  }
  return value;
}

function baseEncoder(field: Field): JsonEncoder {
  const type = field.type as DataType;
  switch (type.typeId) {
    case Type.Null: return () => 'null';
    case Type.Bool: return (data, i) => {
      const p = data.offset + i;
      return (data.values[p >> 3] & (1 << (p & 7))) !== 0 ? 'true' : 'false';
    };
    case Type.Int: return intEncoder(type);
    case Type.Float: return floatEncoder(type);
    case Type.Decimal: {
      const scale = (type as unknown as { scale: number }).scale;
      const stride = (type as unknown as { bitWidth: number }).bitWidth / 32;
      return (data, i) => `"${decimalText(decimalUnscaled(data.values, i * stride, stride), scale)}"`;
    }
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
      return temporalEncoder(type);
    case Type.Utf8:
    case Type.LargeUtf8:
      return (data, i) => JSON.stringify(utf8At(data, i));
    case Type.Binary:
    case Type.LargeBinary:
      return (data, i) => `"${base64Text(bytesAt(data, i))}"`;
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      if (width === 16 && isUuidField(field)) return (data, i) => `"${uuidText(data.values, i * 16)}"`;
      return (data, i) => `"${base64Text(data.values.subarray(i * width, (i + 1) * width))}"`;
    }
    case Type.Struct: return isVariantField(field) ? variantEncoder(field) : structEncoder(field);
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
      return listEncoder(field);
    case Type.Map: return mapEncoder(field);
    case Type.Dictionary: return dictionaryEncoder(field);
    default: return fallbackEncoder();
  }
}

/**
 * The JSON encoder of one field: int/long as numbers within ±2^53 (strings beyond), float/double
 * as numbers (`"NaN"`, `"Infinity"` as strings), decimals as strings with their scale, dates
 * `YYYY-MM-DD`, times `HH:MM:SS.ffffff`, timestamps ISO-8601 with microseconds (nanoseconds for
 * `_ns`) and `Z` for tz types, uuid canonical, binary/fixed base64, structs as objects, lists as
 * arrays, maps as arrays of `{"key","value"}`, variants as the JSON value they hold.
 */
export function jsonEncoderFor(field: Field): JsonEncoder {
  if (field.type.typeId === Type.Null) return () => 'null';
  const encoder: JsonEncoder & EncoderParts = nullable(baseEncoder(field));
  const typeId = field.type.typeId;
  if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) encoder.column = utf8ColumnJson;
  return encoder;
}

/**
 * JSON text of the values `[start, end)` (default: all) of one column chunk, in row order
 * (vectorised where possible).
 */
export function encodeColumnJson(data: Data, encode: JsonEncoder, start = 0, end = data.length): string[] {
  const parts = encode as JsonEncoder & EncoderParts;
  if (parts.column !== undefined) return parts.column(data, start, end);
  const out: string[] = new Array(end - start);
  const each = parts.base !== undefined && data.nullCount === 0 ? parts.base : encode;
  for (let i = start; i < end; i++) out[i - start] = each(data, i);
  return out;
}
