/**
 * Decoding of stored values into canonical values: the spec's binary single-value serialisation
 * (column bounds, manifest summaries; inferring the type of bounds written before a promotion from
 * their length) and its JSON single-value form (partition tuples in `FileScanTask`).
 */
import { convertLiteral, hexToBytes, LiteralError } from './literals.ts';
import { isBytesKind, MICROS_PER_DAY, NANOS_PER_DAY, type PrimType, type Value } from './types.ts';

/** Decodes base64 (standard alphabet) into bytes. */
export function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Fatal: a bound that is not valid UTF-8 (cut inside a character) must read as unknown, not as U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a binary single-value into the canonical value of `type`, or undefined when the bytes
 * cannot be one (the caller treats that as "unknown"). Bounds written before a promotion are
 * recognised by length: 4-byte int under long, float under double, date under timestamp(_ns).
 */
export function decodeBinaryValue(bytes: Uint8Array, type: PrimType): Value | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  switch (type.kind) {
    case 'boolean':
      return n === 1 ? bytes[0] !== 0 : undefined;
    case 'int':
    case 'date':
      return n === 4 ? view.getInt32(0, true) : undefined;
    case 'long':
      return n === 8 ? view.getBigInt64(0, true) : n === 4 ? BigInt(view.getInt32(0, true)) : undefined;
    case 'float':
      return n === 4 ? view.getFloat32(0, true) : undefined;
    case 'double':
      return n === 8 ? view.getFloat64(0, true) : n === 4 ? view.getFloat32(0, true) : undefined;
    case 'time':
      return n === 8 ? view.getBigInt64(0, true) : undefined;
    case 'timestamp':
    case 'timestamptz':
      return n === 8 ? view.getBigInt64(0, true) : n === 4 ? BigInt(view.getInt32(0, true)) * MICROS_PER_DAY : undefined;
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return n === 8 ? view.getBigInt64(0, true) : n === 4 ? BigInt(view.getInt32(0, true)) * NANOS_PER_DAY : undefined;
    case 'decimal': {
      if (n === 0) return undefined;
      let v = 0n;
      for (const b of bytes) v = (v << 8n) | BigInt(b);
      return bytes[0] & 0x80 ? v - (1n << BigInt(8 * n)) : v;
    }
    case 'string':
      return decoder.decode(bytes);
    case 'uuid':
      return n === 16 ? bytes : undefined;
    case 'fixed':
    case 'binary':
      return bytes;
  }
}

/**
 * Decodes a JSON single-value (partition tuples) into the canonical value of `type`; null for
 * null, undefined when the value does not fit the type (treated as unknown by callers).
 */
export function decodeJsonValue(json: unknown, type: PrimType): Value | null | undefined {
  if (json === null || json === undefined) return null;
  try {
    if (isBytesKind(type.kind) && type.kind !== 'uuid' && typeof json === 'string') return hexToBytes(json);
    if ((type.kind === 'float' || type.kind === 'double') && typeof json === 'string' && /^nan$/i.test(json)) return NaN;
    if (typeof json === 'boolean' || typeof json === 'number' || typeof json === 'string') return convertLiteral(json, type);
    return undefined;
  } catch (error) {
    if (error instanceof LiteralError) return undefined;
    throw error;
  }
}
