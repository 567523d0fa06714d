/**
 * Which Iceberg type a Parquet primitive column holds, and whether it may be read as the table's
 * (possibly promoted) type.
 */
import type { SchemaElement } from 'hyparquet';
import { decimalOf, fixedLengthOf } from '../metadata/schema.ts';

/**
 * The Iceberg primitive type a Parquet column was written as. `int96` stands for Impala/Hive INT96
 * timestamps (nanoseconds, no time zone semantics).
 */
export function parquetIcebergType(el: SchemaElement): string {
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (lt?.type === 'DECIMAL') return `decimal(${lt.precision}, ${lt.scale})`;
  if (ct === 'DECIMAL') return `decimal(${el.precision ?? 0}, ${el.scale ?? 0})`;
  switch (el.type) {
    case 'BOOLEAN': return 'boolean';
    case 'INT32':
      if (lt?.type === 'DATE' || ct === 'DATE') return 'date';
      if (lt?.type === 'TIME' || ct === 'TIME_MILLIS') return 'time';
      if ((lt?.type === 'INTEGER' && !lt.isSigned && lt.bitWidth === 32) || ct === 'UINT_32') return 'long';
      return 'int';
    case 'INT64':
      if (lt?.type === 'TIMESTAMP') {
        const ns = lt.unit === 'NANOS' ? '_ns' : '';
        return lt.isAdjustedToUTC ? `timestamptz${ns}` : `timestamp${ns}`;
      }
      if (ct === 'TIMESTAMP_MICROS' || ct === 'TIMESTAMP_MILLIS') return 'timestamptz';
      if (lt?.type === 'TIME' || ct === 'TIME_MICROS') return 'time';
      return 'long';
    case 'INT96': return 'int96';
    case 'FLOAT': return 'float';
    case 'DOUBLE': return 'double';
    case 'BYTE_ARRAY':
      if (lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') return 'string';
      if (lt?.type === 'GEOMETRY') return 'geometry';
      if (lt?.type === 'GEOGRAPHY') return 'geography';
      return 'binary';
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'UUID') return 'uuid';
      return `fixed[${el.type_length ?? 0}]`;
    default:
      return 'binary';
  }
}

const TIMESTAMPS = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/**
 * True when a file column of Iceberg type `file` may be read as the table's type `table`.
 *
 * Spec promotions: int→long, float→double, decimal(P,S)→decimal(P',S) with P'≥P, date→timestamp /
 * timestamp_ns (v3), fixed[16]↔uuid. Representation leniency (same values, different writer
 * annotations): binary↔string, binary→geometry/geography, timestamp ↔ timestamptz and µs ↔ ns
 * (legacy writers annotate UTC adjustment inconsistently; PyIceberg reads these too), INT96 → any
 * timestamp, and unsigned/narrow integers written for int.
 */
export function canReadAs(file: string, table: string): boolean {
  if (file === table) return true;
  if (table.startsWith('geometry') || table.startsWith('geography')) return file === 'binary' || file.startsWith(table.slice(0, 8));
  const fd = decimalOf(file);
  const td = decimalOf(table);
  if (fd && td) return fd.scale === td.scale && fd.precision <= td.precision;
  if (file === 'int' && table === 'long') return true;
  if (file === 'float' && table === 'double') return true;
  if (file === 'date' && (table === 'timestamp' || table === 'timestamp_ns')) return true;
  if (file === 'int96' && TIMESTAMPS.has(table)) return true;
  if (TIMESTAMPS.has(file) && TIMESTAMPS.has(table)) return true;
  if ((file === 'binary' && table === 'string') || (file === 'string' && table === 'binary')) return true;
  if ((fixedLengthOf(file) === 16 && table === 'uuid') || (file === 'uuid' && fixedLengthOf(table) === 16)) return true;
  return false;
}
