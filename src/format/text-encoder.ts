/**
 * Arrow value → plain text for CSV cells and terminal tables: the NDJSON text without JSON
 * quoting for scalars (strings raw, dates/timestamps/decimals unquoted), nested values as JSON.
 */
import { DataType, Type, type Data, type Field } from 'apache-arrow';
import { isValid, utf8At } from './arrow-access.ts';
import { jsonEncoderFor } from './json-encoder.ts';

/** Plain text of the value at `index`, or `null` for a null. */
export type TextEncoder = (data: Data, index: number) => string | null;

/** The plain-text encoder of one field (see module header). */
export function textEncoderFor(field: Field): TextEncoder {
  const type = field.type as DataType;
  if (type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8) {
    return (data, i) => (isValid(data, i) ? utf8At(data, i) : null);
  }
  const json = jsonEncoderFor(field);
  const nested = DataType.isStruct(type) || DataType.isList(type) || DataType.isMap(type) || DataType.isFixedSizeList(type);
  return (data, i) => {
    if (!isValid(data, i)) return null;
    const text = json(data, i);
    // Scalar JSON strings of non-string types (dates, decimals, base64, uuid, "NaN") hold no escapes.
    return !nested && text.charCodeAt(0) === 34 /* " */ ? text.slice(1, -1) : text;
  };
}

/** True for Arrow types whose cells read best right-aligned (numbers). */
export function isNumericType(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}
