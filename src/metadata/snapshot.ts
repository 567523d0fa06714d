/**
 * Snapshots, refs and the snapshot log: zod wire form and domain model. Snapshot ids are kept as
 * decimal strings (`SnapshotId`): Java writes ids above 2^53, and strings survive JSON unchanged.
 */
import { z } from 'zod';

/**
 * A snapshot id as a canonical decimal string (`"4468019210336628573"`). Strings, not bigints, so
 * that ids survive `JSON.stringify` and compare with `===`.
 */
export type SnapshotId = string;

/** Accepts a JSON number (safe) or a decimal string (unsafe ints after `parseJsonExact`). */
export const SnapshotIdWire = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, 'a decimal integer')])
  .transform((v) => BigInt(v).toString());

/**
 * Normalises a caller-supplied snapshot id (number, bigint or decimal string) into a `SnapshotId`.
 * Returns undefined when the value is not an integer.
 */
export function toSnapshotId(value: number | bigint | string): SnapshotId | undefined {
  try {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
    if (typeof value === 'string' && !/^-?\d+$/.test(value.trim())) return undefined;
    return BigInt(typeof value === 'string' ? value.trim() : value).toString();
  } catch {
    return undefined;
  }
}

/** The zod schema of a snapshot object. */
export const SnapshotWire = z.object({
  'snapshot-id': SnapshotIdWire,
  'parent-snapshot-id': SnapshotIdWire.nullable().optional(),
  'sequence-number': z.number().int().nonnegative().optional(),
  'timestamp-ms': z.number().int(),
  'manifest-list': z.string().optional(),
  /** v1 only: manifests listed inline instead of a manifest list. */
  manifests: z.array(z.string()).optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
  'schema-id': z.number().int().optional(),
  'first-row-id': z.number().int().nonnegative().nullable().optional(),
  'added-rows': z.number().int().nonnegative().nullable().optional(),
});

/** A snapshot of the table. */
export interface Snapshot {
  readonly snapshotId: SnapshotId;
  readonly parentSnapshotId?: SnapshotId;
  /** Data sequence number (0 for v1 tables). */
  readonly sequenceNumber: number;
  readonly timestampMs: number;
  /** Manifest list location as recorded; absent for v1 snapshots that list `manifests` inline. */
  readonly manifestList?: string;
  /** v1 only: manifest locations listed inline. */
  readonly manifests?: readonly string[];
  /** Summary: `operation` plus string counters. */
  readonly summary: Readonly<Record<string, string>>;
  /** Schema current when the snapshot was written, when recorded. */
  readonly schemaId?: number;
  /** v3: first row id assigned to rows added by this snapshot. */
  readonly firstRowId?: number;
  /** v3: rows added by this snapshot. */
  readonly addedRows?: number;
}

/** Converts a parsed wire snapshot to the domain model. */
export function snapshotFromWire(w: z.infer<typeof SnapshotWire>): Snapshot {
  const summary: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.summary ?? {})) summary[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    snapshotId: w['snapshot-id'],
    ...(w['parent-snapshot-id'] != null ? { parentSnapshotId: w['parent-snapshot-id'] } : {}),
    sequenceNumber: w['sequence-number'] ?? 0,
    timestampMs: w['timestamp-ms'],
    ...(w['manifest-list'] !== undefined ? { manifestList: w['manifest-list'] } : {}),
    ...(w.manifests !== undefined ? { manifests: w.manifests } : {}),
    summary,
    ...(w['schema-id'] !== undefined ? { schemaId: w['schema-id'] } : {}),
    ...(w['first-row-id'] != null ? { firstRowId: w['first-row-id'] } : {}),
    ...(w['added-rows'] != null ? { addedRows: w['added-rows'] } : {}),
  };
}

/** The zod schema of a named ref (`refs.<name>`). */
export const SnapshotRefWire = z.object({
  'snapshot-id': SnapshotIdWire,
  type: z.enum(['branch', 'tag']),
  'min-snapshots-to-keep': z.number().int().nullable().optional(),
  'max-snapshot-age-ms': z.number().int().nullable().optional(),
  'max-ref-age-ms': z.number().int().nullable().optional(),
});

/** A branch or tag. */
export interface SnapshotRef {
  readonly snapshotId: SnapshotId;
  readonly type: 'branch' | 'tag';
}

/** The zod schema of a `snapshot-log` entry. */
export const SnapshotLogEntryWire = z.object({
  'timestamp-ms': z.number().int(),
  'snapshot-id': SnapshotIdWire,
});

/** A `snapshot-log` entry: which snapshot became current when. */
export interface SnapshotLogEntry {
  readonly timestampMs: number;
  readonly snapshotId: SnapshotId;
}
