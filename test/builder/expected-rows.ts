/**
 * The table builder's oracle: the rows a correct reader returns for a snapshot, computed from what
 * the builder wrote with the spec's rules (sequence numbers, partition scope, global equality
 * deletes, deletion vectors superseding position deletes, projection by field id with identity
 * partition values and initial defaults), as plain JSON values in the NDJSON rules of
 * `iceberg-rx scan` (long beyond ±2^53 as strings, decimals as strings, dates/times/timestamps as
 * ISO text with `Z` for tz types, binary/fixed as base64, maps as `{key, value}` arrays).
 */
import { decimalOf, fixedLengthOf, type IcebergType, type NestedField, type Schema } from '../../src/metadata/schema.ts';
import { resolveSnapshot, specById, type BuilderState, type FileRecord } from './builder-state.ts';
import { liveEntries } from './commit-snapshot.ts';
import { toCanonical, type Canonical } from './values.ts';
import { toJsonValue } from './json-values.ts';

function float32Text(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** A canonical value of `type` in the NDJSON rules. */
export function ndjsonValue(type: IcebergType, v: Canonical): unknown {
  if (v === null || v === undefined) return null;
  if (typeof type !== 'string') {
    if (type.type === 'struct') {
      return Object.fromEntries(type.fields.map((f) => [f.name, ndjsonValue(f.type, (v as Record<string, Canonical>)[f.name])]));
    }
    if (type.type === 'list') return (v as Canonical[]).map((x) => ndjsonValue(type.element, x));
    return (v as [Canonical, Canonical][]).map(([k, x]) => ({ key: ndjsonValue(type.key, k), value: ndjsonValue(type.value, x) }));
  }
  if (type === 'float' || type === 'double') {
    const n = v as number;
    if (!Number.isFinite(n)) return String(n);
    return type === 'float' ? float32Text(n) : n;
  }
  if (type === 'binary' || fixedLengthOf(type) !== undefined) return Buffer.from(v as Uint8Array).toString('base64');
  if (type === 'timestamptz' || type === 'timestamptz_ns') return String(toJsonValue(type, v)).replace(/\+00:00$/, 'Z');
  if (decimalOf(type) || type === 'uuid') return toJsonValue(type, v);
  return toJsonValue(type, v);
}

/** Converts a value written under `from` to the reader's type `to` (allowed promotions only). */
function promote(from: IcebergType, to: IcebergType, v: Canonical): Canonical {
  if (v === null || v === undefined) return null;
  if (typeof to !== 'string' || typeof from !== 'string') {
    if (typeof to === 'string' || typeof from === 'string') return v;
    if (to.type === 'struct' && from.type === 'struct') return projectStruct(from.fields, to.fields, v as Record<string, Canonical>);
    if (to.type === 'list' && from.type === 'list') return (v as Canonical[]).map((x) => promote(from.element, to.element, x));
    if (to.type === 'map' && from.type === 'map') return (v as [Canonical, Canonical][]).map(([k, x]) => [promote(from.key, to.key, k), promote(from.value, to.value, x)]);
    return v;
  }
  if (from === 'int' && to === 'long') return BigInt(v as number);
  if (from === 'date' && to === 'timestamp') return BigInt(v as number) * 86_400_000_000n;
  if (from === 'date' && to === 'timestamp_ns') return BigInt(v as number) * 86_400_000_000_000n;
  return v; // float→double, decimal widening: same canonical value
}

function defaultOf(field: NestedField): Canonical {
  return field.initialDefault === undefined ? null : toCanonical(field.type, field.initialDefault);
}

function projectStruct(fileFields: readonly NestedField[], readFields: readonly NestedField[], value: Record<string, Canonical>): Record<string, Canonical> {
  const out: Record<string, Canonical> = {};
  for (const f of readFields) {
    const src = fileFields.find((x) => x.id === f.id);
    out[f.name] = src ? promote(src.type, f.type, value[src.name]) : defaultOf(f);
  }
  return out;
}

function sameValue(a: Canonical, b: Canonical, type: IcebergType): boolean {
  return JSON.stringify(ndjsonValue(type, a)) === JSON.stringify(ndjsonValue(type, b));
}

/** Canonical rows of a data or equality delete file (objects keyed by file field name). */
function fileRows(f: FileRecord): Record<string, Canonical>[] {
  const fields = f.fileFields ?? [];
  const rows: Record<string, Canonical>[] = [];
  for (const batch of f.loadColumns?.() ?? []) {
    const n = batch[0]?.length ?? 0;
    for (let i = 0; i < n; i++) rows.push(Object.fromEntries(fields.map((fd, j) => [fd.name, batch[j]![i]])));
  }
  return rows;
}

/**
 * The rows a reader must return for `ref`: the current snapshot (default) or a branch, read with
 * the table's current schema, or a tag or snapshot label, read with that snapshot's schema (Java's
 * rule for time travel).
 */
export function expectedRows(state: BuilderState, ref?: string): Record<string, unknown>[] {
  const snap = ref === undefined ? (state.currentSnapshotId === undefined ? undefined : state.snapshots.find((s) => s.snapshotId === state.currentSnapshotId)) : resolveSnapshot(state, ref);
  if (!snap) return [];
  const byTable = ref === undefined || (state.refs.get(ref)?.type === 'branch' && !state.snapshots.some((s) => s.label === ref));
  const schemaId = byTable ? state.currentSchemaId : snap.schemaId;
  const schema: Schema = state.schemas.find((s) => s.schemaId === schemaId)!;
  const live = liveEntries(snap.manifests).map((e) => ({ e, f: state.files.get(e.name)! }));
  const deletes = live.filter(({ f }) => f.contentCode !== 0);
  const samePartition = (a: FileRecord, b: FileRecord) => a.specId === b.specId && JSON.stringify(a.partition) === JSON.stringify(b.partition);
  const out: Record<string, unknown>[] = [];
  for (const { e: de, f: data } of live.filter(({ f }) => f.contentCode === 0)) {
    const seq = de.dataSequenceNumber;
    const dv = deletes.find(({ e, f }) => f.content === 'deletion_vector' && f.targetName === data.name && e.dataSequenceNumber >= seq);
    const deleted = new Set<bigint>();
    const sources = dv
      ? [dv]
      : deletes.filter(({ e, f }) => f.content === 'position_deletes' && e.dataSequenceNumber >= seq && samePartition(f, data));
    for (const { f } of sources) for (const p of f.deletedPositions?.get(data.name) ?? []) deleted.add(p);
    const eqFiles = deletes
      .filter(({ e, f }) => f.content === 'equality_deletes' && e.dataSequenceNumber > seq && (specById(state, f.specId).fields.length === 0 || samePartition(f, data)))
      .map(({ f }) => ({ f, rows: fileRows(f) }));
    const fileFields = data.fileFields ?? [];
    const spec = specById(state, data.specId);
    // a column missing from the file: identity partition value, else initial default, else null
    const valueOf = (row: Record<string, Canonical>, field: NestedField): Canonical => {
      const src = fileFields.find((x) => x.id === field.id);
      if (src) return promote(src.type, field.type, row[src.name]);
      const identity = spec.fields.findIndex((p) => p.sourceId === field.id && p.transform === 'identity');
      if (identity >= 0) return promote(spec.fields[identity]!.resultType, field.type, data.partitionValues[identity]);
      return defaultOf(field);
    };
    fileRows(data).forEach((row, pos) => {
      if (deleted.has(BigInt(pos))) return;
      for (const { f, rows } of eqFiles) {
        const eqFields = (f.equalityIds ?? []).map((id) => (f.fileFields ?? []).find((x) => x.id === id)!);
        if (rows.some((d) => eqFields.every((ef) => sameValue(valueOf(row, ef), d[ef.name], ef.type)))) return;
      }
      out.push(Object.fromEntries(schema.fields.map((field) => [field.name, ndjsonValue(field.type, valueOf(row, field))])));
    });
  }
  return out;
}
