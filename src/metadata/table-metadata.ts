/**
 * Table metadata (format v1, v2 and v3): the zod schema of the spec's JSON (kebab-case) and the
 * camelCase domain model the scanner uses, converted once in `tableMetadataFromJson`.
 */
import { z } from 'zod';
import { IcebergScanError } from '../errors.ts';
import { SchemaWire, schemaFromWire, type Schema } from './schema.ts';
import {
  LegacyPartitionSpecWire,
  PartitionSpecWire,
  partitionSpecFromWire,
  type PartitionSpec,
} from './partition-spec.ts';
import {
  SnapshotIdWire,
  SnapshotLogEntryWire,
  SnapshotRefWire,
  SnapshotWire,
  snapshotFromWire,
  type Snapshot,
  type SnapshotId,
  type SnapshotLogEntry,
  type SnapshotRef,
} from './snapshot.ts';
import { parseJsonExact } from './parse-json-exact.ts';
import { zodIssuePath } from './zod-issue-path.ts';

const MetadataLogEntryWire = z.object({ 'timestamp-ms': z.number().int(), 'metadata-file': z.string() });

/** Fields that format v2 made required, and v3 keeps required. */
const REQUIRED_FROM_V2 = [
  'table-uuid',
  'last-sequence-number',
  'schemas',
  'current-schema-id',
  'partition-specs',
  'default-spec-id',
  'last-partition-id',
] as const;
/** Fields required by each format version beyond the shared ones (spec "Table Metadata Fields"). */
const REQUIRED_BY_VERSION: Record<number, readonly string[]> = {
  1: [],
  2: REQUIRED_FROM_V2,
  // 'next-row-id' is required by the v3 spec, but metadata-only v3 files in the wild omit it
  // (duckdb-iceberg's timestamptz_ns); row lineage then starts at 0.
  3: REQUIRED_FROM_V2,
};

/** The zod schema of a table metadata file, any format version (per-version rules refine it). */
export const TableMetadataWire = z
  .object({
    'format-version': z.union([z.literal(1), z.literal(2), z.literal(3)]),
    'table-uuid': z.string().optional(),
    location: z.string(),
    'last-sequence-number': z.number().int().nonnegative().optional(),
    'last-updated-ms': z.number().int(),
    'last-column-id': z.number().int(),
    schema: SchemaWire.optional(),
    schemas: z.array(SchemaWire).optional(),
    'current-schema-id': z.number().int().optional(),
    'partition-spec': LegacyPartitionSpecWire.optional(),
    'partition-specs': z.array(PartitionSpecWire).optional(),
    'default-spec-id': z.number().int().optional(),
    'last-partition-id': z.number().int().optional(),
    properties: z.record(z.string(), z.string()).nullable().optional(),
    'current-snapshot-id': SnapshotIdWire.nullable().optional(),
    snapshots: z.array(SnapshotWire).nullable().optional(),
    'snapshot-log': z.array(SnapshotLogEntryWire).nullable().optional(),
    'metadata-log': z.array(MetadataLogEntryWire).nullable().optional(),
    'sort-orders': z.array(z.unknown()).optional(),
    'default-sort-order-id': z.number().int().optional(),
    refs: z.record(z.string(), SnapshotRefWire).nullable().optional(),
    statistics: z.array(z.unknown()).nullable().optional(),
    'partition-statistics': z.array(z.unknown()).nullable().optional(),
    'next-row-id': z.number().int().nonnegative().optional(),
  })
  .superRefine((m, ctx) => {
    for (const key of REQUIRED_BY_VERSION[m['format-version']] ?? []) {
      if ((m as Record<string, unknown>)[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `required in format v${m['format-version']}` });
      }
    }
    if (m.schemas === undefined && m.schema === undefined) {
      ctx.addIssue({ code: 'custom', path: ['schemas'], message: 'either schemas or schema is required' });
    }
  });

/** Table metadata, domain form. */
export interface TableMetadata {
  readonly formatVersion: 1 | 2 | 3;
  readonly tableUuid?: string;
  /** The table location as recorded (often a path on the machine that wrote the table). */
  readonly location: string;
  readonly lastSequenceNumber: number;
  readonly lastUpdatedMs: number;
  readonly lastColumnId: number;
  readonly schemas: readonly Schema[];
  readonly currentSchemaId: number;
  readonly specs: readonly PartitionSpec[];
  readonly defaultSpecId: number;
  readonly properties: Readonly<Record<string, string>>;
  /** Current snapshot id; undefined when the table has no snapshot. */
  readonly currentSnapshotId?: SnapshotId;
  readonly snapshots: readonly Snapshot[];
  readonly snapshotLog: readonly SnapshotLogEntry[];
  readonly metadataLog: readonly { readonly timestampMs: number; readonly metadataFile: string }[];
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  /** v3: next row id to assign. */
  readonly nextRowId?: number;
  /** Statistics files (kept as JSON; not used by scans). */
  readonly statistics: readonly unknown[];
  /** Sort orders (kept as JSON; not used by scans, reported by `inspect`). */
  readonly sortOrders: readonly unknown[];
  readonly defaultSortOrderId?: number;
}

/**
 * Validates parsed JSON as table metadata and converts it to the domain model. Throws
 * `IcebergScanError('data_invalid')` naming `path` and the JSON path of the first problem.
 *
 * @param json The parsed metadata (use {@link parseTableMetadata} for text).
 * @param path The metadata file's location, for errors.
 */
export function tableMetadataFromJson(json: unknown, path: string): TableMetadata {
  const parsed = TableMetadataWire.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = zodIssuePath(issue.path);
    throw new IcebergScanError('data_invalid', `table metadata: invalid value at ${at}: ${issue.message}`, {
      path,
      expected: 'table metadata as the Iceberg spec defines it',
      context: { jsonPath: at, issues: parsed.error.issues.length },
      cause: parsed.error,
    });
  }
  return toDomain(parsed.data, path);
}

/**
 * Parses metadata JSON text (big integers exact) and converts it; see {@link tableMetadataFromJson}.
 *
 * @param text The metadata file's text.
 * @param path The metadata file's location, for errors.
 */
export function parseTableMetadata(text: string, path: string): TableMetadata {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new IcebergScanError('data_invalid', `table metadata: not valid JSON (${(error as Error).message})`, {
      path,
      expected: 'a JSON object',
      cause: error,
    });
  }
  return tableMetadataFromJson(json, path);
}

function toDomain(w: z.infer<typeof TableMetadataWire>, path: string): TableMetadata {
  const invalid = (jsonPath: string, message: string): IcebergScanError =>
    new IcebergScanError('data_invalid', `table metadata: ${message} at ${jsonPath}`, { path, context: { jsonPath } });

  const schemas = w.schemas
    ? w.schemas.map((s, i) => schemaFromWire(s, i))
    : [schemaFromWire(w.schema!, w['current-schema-id'] ?? 0)];
  const currentSchemaId = w['current-schema-id'] ?? schemas[0]!.schemaId;
  if (!schemas.some((s) => s.schemaId === currentSchemaId)) {
    throw invalid('$.current-schema-id', `current-schema-id ${currentSchemaId} names no schema`);
  }

  let specs: PartitionSpec[];
  if (w['partition-specs'] !== undefined && w['partition-specs'].length > 0) {
    specs = w['partition-specs'].map((s, i) => partitionSpecFromWire(s['spec-id'] ?? i, s.fields));
  } else {
    specs = [partitionSpecFromWire(w['default-spec-id'] ?? 0, w['partition-spec'] ?? [])];
  }
  const defaultSpecId = w['default-spec-id'] ?? specs[0]!.specId;

  const snapshots = (w.snapshots ?? []).map(snapshotFromWire);
  const current = w['current-snapshot-id'];
  const currentSnapshotId = current === undefined || current === null || current === '-1' ? undefined : current;
  if (currentSnapshotId !== undefined && !snapshots.some((s) => s.snapshotId === currentSnapshotId)) {
    throw invalid('$.current-snapshot-id', `current-snapshot-id ${currentSnapshotId} names no snapshot`);
  }
  snapshots.forEach((s, i) => {
    if (s.manifestList === undefined && s.manifests === undefined) {
      throw invalid(`$.snapshots[${i}]`, `snapshot ${s.snapshotId} has neither manifest-list nor manifests`);
    }
  });

  const refs: Record<string, SnapshotRef> = {};
  for (const [name, r] of Object.entries(w.refs ?? {})) refs[name] = { snapshotId: r['snapshot-id'], type: r.type };
  if (refs.main === undefined && currentSnapshotId !== undefined) refs.main = { snapshotId: currentSnapshotId, type: 'branch' };

  return {
    formatVersion: w['format-version'],
    ...(w['table-uuid'] !== undefined ? { tableUuid: w['table-uuid'] } : {}),
    location: w.location,
    lastSequenceNumber: w['last-sequence-number'] ?? 0,
    lastUpdatedMs: w['last-updated-ms'],
    lastColumnId: w['last-column-id'],
    schemas,
    currentSchemaId,
    specs,
    defaultSpecId,
    properties: w.properties ?? {},
    ...(currentSnapshotId !== undefined ? { currentSnapshotId } : {}),
    snapshots,
    snapshotLog: (w['snapshot-log'] ?? []).map((e) => ({ timestampMs: e['timestamp-ms'], snapshotId: e['snapshot-id'] })),
    metadataLog: (w['metadata-log'] ?? []).map((e) => ({ timestampMs: e['timestamp-ms'], metadataFile: e['metadata-file'] })),
    refs,
    ...(w['next-row-id'] !== undefined ? { nextRowId: w['next-row-id'] } : {}),
    statistics: w.statistics ?? [],
    sortOrders: w['sort-orders'] ?? [],
    ...(w['default-sort-order-id'] !== undefined ? { defaultSortOrderId: w['default-sort-order-id'] } : {}),
  };
}
