/**
 * Compares scanned values (in `iceberg-rx scan --format ndjson` form) with values as engines
 * printed them in EXPECTED.json: Impala decimals with scale and `YYYY-MM-DD HH:MM:SS[.f]`
 * timestamps, DuckDB `\xNN` blobs and `+HH` offsets, icebird JS numbers and ISO dates.
 */
import { Type, type Field } from 'apache-arrow';

/** How a column's values compare. */
export type CellKind =
  | 'int'
  | 'float'
  | 'decimal'
  | 'bool'
  | 'string'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'binary'
  | 'uuid'
  | 'variant'
  | 'complex';

/** The comparison kind of an Arrow field of the scan's output. */
export function cellKindOf(field: Field): CellKind {
  const ext = field.metadata.get('ARROW:extension:name');
  if (ext === 'arrow.uuid') return 'uuid';
  if (ext === 'arrow.parquet.variant') return 'variant';
  switch (field.type.typeId) {
    case Type.Int:
      return 'int';
    case Type.Float:
      return 'float';
    case Type.Decimal:
      return 'decimal';
    case Type.Bool:
      return 'bool';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Date:
      return 'date';
    case Type.Time:
      return 'time';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    default:
      return 'complex';
  }
}

/**
 * True when the scanned value `actual` (NDJSON form) matches the engine-printed `expected`.
 *
 * @param actual The value as `iceberg-rx scan --format ndjson` prints it (parsed JSON).
 * @param expected The value as recorded in EXPECTED.json.
 * @param kind The column's comparison kind.
 */
export function cellMatches(actual: unknown, expected: unknown, kind: CellKind, context: CellContext = {}): boolean {
  if (expected === null || expected === undefined || expected === 'NULL') {
    // Impala prints a NULL string as NULL, and the transcription recorded both as null.
    return actual === null || (context.nullStringIsNull === true && kind === 'string' && actual === 'NULL');
  }
  if (actual === null) return false;
  switch (kind) {
    case 'int':
      return intText(actual) === intText(expected);
    case 'float':
      return floatMatches(actual, expected);
    case 'decimal':
      return decimalText(String(actual)) === decimalText(String(expected)) || floatMatches(actual, expected, 1e-12);
    case 'bool':
      return String(actual).toLowerCase() === String(expected === 1 ? true : expected === 0 ? false : expected).toLowerCase();
    case 'date':
      return String(actual) === String(expected).slice(0, 10);
    case 'time':
      return trimFraction(String(actual)) === trimFraction(String(expected));
    case 'timestamp':
      return (
        instantOf(String(actual)) === instantOf(String(expected)) ||
        (context.timeZone !== undefined && String(actual).endsWith('Z') && !hasOffset(String(expected)) &&
          instantOf(wallClock(String(actual), context.timeZone)) === instantOf(String(expected)))
      );
    case 'uuid':
      return String(actual).toLowerCase() === String(expected).toLowerCase();
    case 'binary':
      return binaryRenderings(String(actual)).includes(String(expected));
    case 'string':
      return actual === expected || (typeof expected !== 'string' && String(actual) === String(expected));
    case 'variant':
      return jsonText(actual) === jsonText(expected) || variantPrintedByEngine(actual, expected);
    case 'complex':
      return complexMatches(actual, expected, context);
  }
}

/** Engine session facts that change how values print. */
export interface CellContext {
  /** Session time zone (IANA) in which the engine printed timestamptz values without offset. */
  readonly timeZone?: string;
  /** The engine printed NULL strings and the string 'NULL' alike (Impala). */
  readonly nullStringIsNull?: boolean;
  /** The column's Arrow field (guides the text of nested values). */
  readonly field?: Field;
}

function hasOffset(text: string): boolean {
  return /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.trim()) && /\d{2}:\d{2}:\d{2}/.test(text);
}

/** The wall-clock time `YYYY-MM-DDTHH:MM:SS` in `timeZone` of the instant `ms` (epoch milliseconds). */
export function zonedWallClock(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/** A UTC timestamp text (`…Z`) as wall-clock time in `timeZone`, `YYYY-MM-DD HH:MM:SS.f`. */
function wallClock(utc: string, timeZone: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(utc);
  if (!m) return utc;
  const date = new Date(`${m[1]}Z`);
  if (Number.isNaN(date.getTime())) return utc;
  const wall = zonedWallClock(date.getTime(), timeZone);
  return `${wall.replace('T', ' ')}${m[2] ? `.${m[2]}` : ''}`;
}

function intText(v: unknown): string {
  const s = String(v).trim();
  return /^-?\d+$/.test(s) ? BigInt(s).toString() : s;
}

function floatMatches(actual: unknown, expected: unknown, tolerance = 1e-6): boolean {
  const a = Number(actual);
  const e = Number(typeof expected === 'string' ? expected.replace(/^inf/i, 'Infinity').replace(/^-inf/i, '-Infinity') : expected);
  if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e);
  if (!Number.isFinite(a) || !Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
}

/** A decimal text without trailing fraction zeros (`"12.50"` → `"12.5"`, `"3.00"` → `"3"`). */
function decimalText(s: string): string {
  let t = s.trim();
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  if (t === '-0') t = '0';
  return t;
}

function trimFraction(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * A comparable instant of a timestamp text: `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH[:MM]]` becomes UTC
 * epoch seconds plus the trimmed fraction. Texts that do not parse are returned unchanged.
 */
export function instantOf(text: string): string {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return text;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
  let seconds = d.getTime() / 1000;
  const offset = m[8];
  if (offset !== undefined && offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
  }
  const fraction = (m[7] ?? '').replace(/0+$/, '');
  return `${seconds}.${fraction}`;
}

/** The renderings engines use for bytes: DuckDB `\xNN` escapes, raw UTF-8 text, hex, base64. */
function binaryRenderings(base64: string): string[] {
  const bytes = Buffer.from(base64, 'base64');
  let duck = '';
  for (const b of bytes) duck += b >= 32 && b < 127 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return [duck, bytes.toString('utf8'), bytes.toString('hex'), base64];
}

/**
 * Impala prints variant timestamps as `"YYYY-MM-DD HH:MM:SS.fffffffff"` (9 fraction digits, no
 * zone) and cannot print time or uuid variants at all (`"<unsupported-type>"`); the values
 * themselves are checked against the Parquet data by the CLI's variant test.
 */
function variantPrintedByEngine(actual: unknown, expected: unknown): boolean {
  if (expected === '"<unsupported-type>"') return true;
  const wallClock = (v: unknown): string | undefined => {
    const text = typeof v === 'string' ? v.replace(/^"|"$/g, '') : undefined;
    const m = text === undefined ? null : /^(-?\d{4,}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z?$/.exec(text);
    return m ? `${m[1]}T${m[2]}.${(m[3] ?? '').replace(/0+$/, '')}` : undefined;
  };
  const a = wallClock(actual);
  return a !== undefined && a === wallClock(expected);
}

function jsonText(v: unknown): string {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v));
    } catch {
      return v;
    }
  }
  return JSON.stringify(v);
}

/** Complex values: DuckDB's `{'k': v}` / `{k=v}` / `[a, b]` text, or JSON, ignoring whitespace. */
function complexMatches(actual: unknown, expected: unknown, context: CellContext): boolean {
  if (typeof expected !== 'string') return JSON.stringify(actual) === JSON.stringify(expected);
  const squash = (s: string) => s.replace(/\s+/g, '');
  const e = squash(expected);
  return squash(duckText(actual, context.field, context.timeZone, false)) === e || squash(JSON.stringify(actual)) === e;
}

/** DuckDB's text of a nested value, guided by its Arrow field when known. */
function duckText(v: unknown, field: Field | undefined, zone: string | undefined, nested: boolean): string {
  if (v === null || v === undefined) return 'NULL';
  const children = (field?.type.children ?? []) as Field[];
  if (Array.isArray(v)) {
    const entry = children[0];
    const isMap = field?.type.typeId === Type.Map ||
      (field === undefined && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && 'key' in x && 'value' in x));
    if (isMap) {
      const [keyField, valueField] = (entry?.type.children ?? []) as Field[];
      return `{${v.map((x) => `${duckText(x.key, keyField, zone, true)}=${duckText(x.value, valueField, zone, true)}`).join(', ')}}`;
    }
    return `[${v.map((x) => duckText(x, entry, zone, true)).join(', ')}]`;
  }
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `'${k}': ${duckText(x, children.find((c) => c.name === k), zone, true)}`)
      .join(', ')}}`;
  }
  let text = String(v);
  const kind = field === undefined ? 'string' : cellKindOf(field);
  if (kind === 'time') text = trimFraction(text);
  else if (kind === 'timestamp') text = duckTimestamp(text, zone);
  else if (kind === 'binary') text = binaryRenderings(text)[0]!;
  if (nested && (kind === 'string' || kind === 'time' || kind === 'timestamp') && /[:\s,'{}[\]=]/.test(text)) return `'${text}'`;
  return text;
}

/** DuckDB's timestamp text: `YYYY-MM-DD HH:MM:SS[.f]`, tz values in the session zone with `+HH`. */
function duckTimestamp(text: string, zone: string | undefined): string {
  if (!text.endsWith('Z')) return trimFraction(text.replace('T', ' '));
  const local = zone === undefined ? text.slice(0, -1).replace('T', ' ') : wallClock(text, zone);
  const offsetHours = Math.round((Date.parse(`${local.slice(0, 19).replace(' ', 'T')}Z`) - Date.parse(text.slice(0, 19) + 'Z')) / 3_600_000);
  const sign = offsetHours < 0 ? '-' : '+';
  return `${trimFraction(local)}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}`;
}
