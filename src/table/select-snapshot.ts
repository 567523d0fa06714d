/**
 * Chooses the snapshot a scan reads (current, by id, by ref, or as of a time through the snapshot
 * log) and the schema it is read with.
 */
import { IcebergScanError } from '../errors.ts';
import type { Schema } from '../metadata/schema.ts';
import { toSnapshotId, type Snapshot } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';

/** How to choose a snapshot. At most one of the fields may be given. */
export interface SnapshotSelection {
  /** A snapshot id (number, bigint or decimal string; ids above 2^53 need bigint or string). */
  readonly snapshotId?: number | bigint | string;
  /** A branch or tag name. */
  readonly ref?: string;
  /** A point in time: `Date`, epoch milliseconds, or an ISO-8601 string. */
  readonly asOf?: Date | number | string;
}

/** The chosen snapshot (undefined for a table without snapshots) and the schema to read it with. */
export interface SelectedSnapshot {
  readonly snapshot: Snapshot | undefined;
  readonly schema: Schema;
}

/**
 * Selects the snapshot and schema of a scan. Time travel (by id, tag or time) reads with the
 * snapshot's own schema (`schema-id`, else the current schema); the current snapshot and branch
 * heads read with the table's current schema, as Spark and PyIceberg do.
 *
 * Throws `invalid_argument` for conflicting or malformed options and `not_found` when nothing
 * matches.
 *
 * @param metadata The table metadata.
 * @param selection The caller's choice.
 */
export function selectSnapshot(metadata: TableMetadata, selection: SnapshotSelection = {}): SelectedSnapshot {
  const given = (['snapshotId', 'ref', 'asOf'] as const).filter((k) => selection[k] !== undefined);
  if (given.length > 1) {
    throw new IcebergScanError('invalid_argument', `choose one of snapshotId, ref and asOf (got ${given.join(', ')})`);
  }
  const current = currentSchema(metadata);
  const byId = (id: string, what: string): Snapshot => {
    const s = metadata.snapshots.find((x) => x.snapshotId === id);
    if (s === undefined) throw new IcebergScanError('not_found', `${what}: snapshot ${id} does not exist`, { context: { snapshotId: id } });
    return s;
  };
  const own = (s: Snapshot): SelectedSnapshot => ({ snapshot: s, schema: schemaOf(metadata, s) ?? current });

  if (selection.snapshotId !== undefined) {
    const id = toSnapshotId(selection.snapshotId);
    if (id === undefined) throw new IcebergScanError('invalid_argument', `snapshotId ${String(selection.snapshotId)} is not an integer`);
    return own(byId(id, 'snapshotId'));
  }
  if (selection.ref !== undefined) {
    const ref = metadata.refs[selection.ref];
    if (ref === undefined) throw new IcebergScanError('not_found', `ref ${selection.ref} does not exist`, { context: { ref: selection.ref } });
    const s = byId(ref.snapshotId, `ref ${selection.ref}`);
    return ref.type === 'tag' ? own(s) : { snapshot: s, schema: current };
  }
  if (selection.asOf !== undefined) {
    const ms = toEpochMillis(selection.asOf);
    const log = metadata.snapshotLog.length > 0
      ? metadata.snapshotLog
      : metadata.snapshots.map((s) => ({ timestampMs: s.timestampMs, snapshotId: s.snapshotId }));
    let chosen: string | undefined;
    let chosenTime = -Infinity;
    for (const e of log) {
      if (e.timestampMs <= ms && e.timestampMs >= chosenTime) {
        chosen = e.snapshotId;
        chosenTime = e.timestampMs;
      }
    }
    if (chosen === undefined) {
      throw new IcebergScanError('not_found', `no snapshot was current at ${new Date(ms).toISOString()}`, { context: { asOf: ms } });
    }
    return own(byId(chosen, 'asOf'));
  }
  const snapshot = metadata.currentSnapshotId !== undefined ? byId(metadata.currentSnapshotId, 'current-snapshot-id') : undefined;
  return { snapshot, schema: current };
}

/** The table's current schema. */
export function currentSchema(metadata: TableMetadata): Schema {
  return metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId) ?? metadata.schemas[metadata.schemas.length - 1]!;
}

function schemaOf(metadata: TableMetadata, s: Snapshot): Schema | undefined {
  return s.schemaId === undefined ? undefined : metadata.schemas.find((x) => x.schemaId === s.schemaId);
}

/** Converts an `asOf` value to epoch milliseconds, or throws `invalid_argument`. */
export function toEpochMillis(value: Date | number | string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (/^-?\d+$/.test(value.trim())) ms = Number(value.trim());
  else ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new IcebergScanError('invalid_argument', `asOf ${String(value)} is not a time`, {
      expected: 'a Date, epoch milliseconds or an ISO-8601 string',
    });
  }
  return ms;
}
