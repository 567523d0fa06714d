/**
 * The `inspect` report of a table: format version, locations, schemas with field ids and types,
 * partition specs, sort orders, snapshots, refs and properties, as plain JSON and as text.
 */
import type { IcebergType, NestedField, Schema } from '../metadata/schema.ts';
import type { Table } from '../table/table.ts';

/** One line of a schema tree: a field (or list element / map key / map value) with its depth. */
export interface SchemaRow {
  readonly depth: number;
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly doc?: string;
}

/** A sort order as recorded in the metadata file. */
export interface SortOrderReport {
  readonly orderId: number;
  readonly fields: readonly { sourceId: number; transform: string; direction: string; nullOrder: string }[];
}

/** The JSON shape of `iceberg-rx inspect --json`. */
export interface TableReport {
  readonly metadataFile: string;
  readonly formatVersion: number;
  readonly tableUuid?: string;
  readonly location: string;
  readonly lastUpdatedMs: number;
  readonly currentSchemaId: number;
  readonly currentSnapshotId?: string;
  readonly schemas: readonly { schemaId: number; current: boolean; identifierFieldIds: readonly number[]; fields: readonly SchemaRow[] }[];
  readonly specs: readonly { specId: number; default: boolean; fields: readonly { fieldId: number; name: string; sourceId: number; transform: string }[] }[];
  readonly defaultSortOrderId?: number;
  readonly sortOrders: readonly SortOrderReport[];
  readonly snapshots: readonly { snapshotId: string; parentSnapshotId?: string; sequenceNumber: number; timestampMs: number; operation?: string; schemaId?: number; summary: Readonly<Record<string, string>> }[];
  readonly refs: Readonly<Record<string, { snapshotId: string; type: string }>>;
  readonly properties: Readonly<Record<string, string>>;
}

/** Short text of an Iceberg type (`list<int>`, `map<string, long>`, `struct<2 fields>`). */
export function typeText(t: IcebergType): string {
  if (typeof t === 'string') return t;
  if (t.type === 'struct') return 'struct';
  if (t.type === 'list') return `list<${typeText(t.element)}>`;
  return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
}

function rowsOfType(t: IcebergType, depth: number, into: SchemaRow[]): void {
  if (typeof t === 'string') return;
  if (t.type === 'struct') {
    for (const f of t.fields) rowsOfField(f, depth, into);
  } else if (t.type === 'list') {
    into.push({ depth, id: t.elementId, name: 'element', type: typeText(t.element), required: t.elementRequired });
    rowsOfType(t.element, depth + 1, into);
  } else {
    into.push({ depth, id: t.keyId, name: 'key', type: typeText(t.key), required: true });
    rowsOfType(t.key, depth + 1, into);
    into.push({ depth, id: t.valueId, name: 'value', type: typeText(t.value), required: t.valueRequired });
    rowsOfType(t.value, depth + 1, into);
  }
}

function rowsOfField(f: NestedField, depth: number, into: SchemaRow[]): void {
  into.push({ depth, id: f.id, name: f.name, type: typeText(f.type), required: f.required, ...(f.doc !== undefined ? { doc: f.doc } : {}) });
  rowsOfType(f.type, depth + 1, into);
}

/** The rows of a schema tree, depth-first in field order. */
export function schemaRows(schema: Schema): SchemaRow[] {
  const rows: SchemaRow[] = [];
  rowsOfType(schema, 0, rows);
  return rows;
}

/** The sort orders the metadata records (kept as JSON by the domain model). */
function sortOrdersOf(table: Table): { defaultSortOrderId?: number; sortOrders: SortOrderReport[] } {
  const { defaultSortOrderId, sortOrders } = table.metadata;
  const orders = sortOrders as Record<string, unknown>[];
  return {
    ...(defaultSortOrderId !== undefined ? { defaultSortOrderId } : {}),
    sortOrders: orders.map((o) => ({
      orderId: Number(o['order-id'] ?? 0),
      fields: (Array.isArray(o.fields) ? (o.fields as Record<string, unknown>[]) : []).map((f) => ({
        sourceId: Number(f['source-id']),
        transform: String(f.transform),
        direction: String(f.direction),
        nullOrder: String(f['null-order']),
      })),
    })),
  };
}

/** Builds the inspect report of a loaded table. */
export async function tableReport(table: Table): Promise<TableReport> {
  const m = table.metadata;
  const sort = sortOrdersOf(table);
  return {
    metadataFile: table.metadataLocation,
    formatVersion: m.formatVersion,
    ...(m.tableUuid !== undefined ? { tableUuid: m.tableUuid } : {}),
    location: m.location,
    lastUpdatedMs: m.lastUpdatedMs,
    currentSchemaId: m.currentSchemaId,
    ...(m.currentSnapshotId !== undefined ? { currentSnapshotId: m.currentSnapshotId } : {}),
    schemas: m.schemas.map((s) => ({
      schemaId: s.schemaId,
      current: s.schemaId === m.currentSchemaId,
      identifierFieldIds: s.identifierFieldIds,
      fields: schemaRows(s),
    })),
    specs: m.specs.map((s) => ({
      specId: s.specId,
      default: s.specId === m.defaultSpecId,
      fields: s.fields.map((f) => ({ fieldId: f.fieldId, name: f.name, sourceId: f.sourceId, transform: f.transform })),
    })),
    ...sort,
    snapshots: m.snapshots.map((s) => ({
      snapshotId: s.snapshotId,
      ...(s.parentSnapshotId !== undefined ? { parentSnapshotId: s.parentSnapshotId } : {}),
      sequenceNumber: s.sequenceNumber,
      timestampMs: s.timestampMs,
      ...(s.summary.operation !== undefined ? { operation: s.summary.operation } : {}),
      ...(s.schemaId !== undefined ? { schemaId: s.schemaId } : {}),
      summary: s.summary,
    })),
    refs: Object.fromEntries(Object.entries(m.refs).map(([k, r]) => [k, { snapshotId: r.snapshotId, type: r.type }])),
    properties: m.properties,
  };
}
