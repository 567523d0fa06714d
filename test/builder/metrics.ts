/**
 * Column metrics for manifests: value, null and NaN counts and lower/upper bounds (binary
 * single-value form) of every primitive column outside lists and maps, from canonical values.
 */
import type { IcebergType, NestedField } from '../../src/metadata/schema.ts';
import { toBinary, type Canonical } from './values.ts';

/** How much the manifests say about columns (see `TableDescription.metrics`). */
export type MetricsLevel = 'full' | 'counts' | 'none' | { readonly truncate: number };

/** Metrics of one file, keyed by field id. */
export interface FileMetrics {
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  nanValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
}

interface Acc {
  type: IcebergType;
  values: number;
  nulls: number;
  nans: number;
  min: Canonical;
  max: Canonical;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Maps a UTF-16 code unit so that unit order equals code point order (surrogates above U+FFFF). */
function unitRank(c: number): number {
  return c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

/** Total order of canonical primitive values used for bounds (-0.0 before +0.0). */
export function compareCanonical(a: Canonical, b: Canonical): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return Object.is(a, -0) && Object.is(b, 0) ? -1 : Object.is(a, 0) && Object.is(b, -0) ? 1 : 0;
    return a < b ? -1 : 1;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareBytes(a as Uint8Array, b as Uint8Array);
}

function truncateLower(type: IcebergType, v: Canonical, width: number | undefined): Canonical {
  if (width === undefined) return v;
  if (type === 'string') return Array.from(v as string).slice(0, width).join('');
  if (type === 'binary') return (v as Uint8Array).subarray(0, width);
  return v;
}

/** The smallest value of at most `width` code points/bytes above `v`, undefined when none exists. */
function truncateUpper(type: IcebergType, v: Canonical, width: number | undefined): Canonical | undefined {
  if (width === undefined) return v;
  if (type === 'string') {
    const cps = Array.from(v as string);
    if (cps.length <= width) return v;
    const kept = cps.slice(0, width).map((c) => c.codePointAt(0)!);
    for (let i = kept.length - 1; i >= 0; i--) {
      let next = kept[i]! + 1;
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // skip surrogates
      if (next <= 0x10ffff) return String.fromCodePoint(...kept.slice(0, i), next);
    }
    return undefined;
  }
  if (type === 'binary') {
    const b = v as Uint8Array;
    if (b.length <= width) return v;
    const kept = Array.from(b.subarray(0, width));
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i]! < 0xff) return Uint8Array.from([...kept.slice(0, i), kept[i]! + 1]);
    }
    return undefined;
  }
  return v;
}

/** Collects metrics over batches of top-level columns. */
export class MetricsCollector {
  private readonly accs = new Map<number, Acc>();

  constructor(private readonly fields: readonly NestedField[]) {}

  /** Adds one batch: `columns[i]` holds the values of `fields[i]`. */
  add(columns: readonly ArrayLike<Canonical>[]): void {
    this.fields.forEach((f, i) => this.visit(f, columns[i]!));
  }

  private visit(field: NestedField, values: ArrayLike<Canonical>): void {
    const t = field.type;
    if (typeof t !== 'string') {
      if (t.type !== 'struct') return;
      for (const child of t.fields) {
        this.visit(child, Array.from(values, (v) => (v == null ? null : (v as Record<string, Canonical>)[child.name])));
      }
      return;
    }
    let acc = this.accs.get(field.id);
    if (!acc) this.accs.set(field.id, (acc = { type: t, values: 0, nulls: 0, nans: 0, min: undefined, max: undefined }));
    const isFloat = t === 'float' || t === 'double';
    acc.values += values.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        acc.nulls++;
        continue;
      }
      if (isFloat && Number.isNaN(v)) {
        acc.nans++;
        continue;
      }
      if (acc.min === undefined || compareCanonical(v, acc.min) < 0) acc.min = v;
      if (acc.max === undefined || compareCanonical(v, acc.max) > 0) acc.max = v;
    }
  }

  /** The metrics, at the requested level of detail. */
  result(level: MetricsLevel): FileMetrics {
    const m: FileMetrics = {
      valueCounts: new Map(),
      nullValueCounts: new Map(),
      nanValueCounts: new Map(),
      lowerBounds: new Map(),
      upperBounds: new Map(),
    };
    if (level === 'none') return m;
    for (const [id, a] of this.accs) {
      m.valueCounts.set(id, a.values);
      m.nullValueCounts.set(id, a.nulls);
      if (a.type === 'float' || a.type === 'double') m.nanValueCounts.set(id, a.nans);
      if (level === 'counts' || a.min === undefined) continue;
      const width = typeof level === 'object' ? level.truncate : undefined;
      const lower = truncateLower(a.type, a.min, width);
      const upper = truncateUpper(a.type, a.max, width);
      m.lowerBounds.set(id, toBinary(a.type, lower));
      if (upper !== undefined) m.upperBounds.set(id, toBinary(a.type, upper));
    }
    return m;
  }
}
