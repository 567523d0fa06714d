/**
 * Renders the `inspect` report as terminal text: aligned sections for the schema tree, partition
 * specs, sort orders, snapshots, refs and properties.
 */
import type { TableReport } from './table-report.ts';

function columns(rows: string[][], indent = '  '): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_c, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  return rows
    .map((r) => indent + r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ').trimEnd())
    .join('\n');
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** The text of `iceberg-rx inspect`. */
export function renderInspect(r: TableReport): string {
  const out: string[] = [];
  out.push(`metadata file   ${r.metadataFile}`);
  out.push(`format version  ${r.formatVersion}`);
  if (r.tableUuid !== undefined) out.push(`table uuid      ${r.tableUuid}`);
  out.push(`location        ${r.location}`);
  out.push(`last updated    ${iso(r.lastUpdatedMs)}`);
  out.push(`current snapshot ${r.currentSnapshotId ?? '(none)'}`);
  const current = r.schemas.find((x) => x.current) ?? r.schemas[r.schemas.length - 1];
  if (current !== undefined) {
    const ids = current.identifierFieldIds.length ? `, identifier fields ${current.identifierFieldIds.join(',')}` : '';
    out.push('', `schema ${current.schemaId} (current)${ids}`);
    out.push(columns([
      ['id', 'name', 'type', ''],
      ...current.fields.map((f) => [String(f.id), '  '.repeat(f.depth) + f.name, f.type, f.required ? 'required' : 'optional']),
    ]));
  }
  const older = r.schemas.filter((x) => x !== current).map((x) => x.schemaId);
  if (older.length > 0) out.push(`  older schemas: ${older.join(', ')} (see --json)`);
  out.push('', 'partition specs');
  for (const s of r.specs) {
    const fields = s.fields.length === 0 ? 'unpartitioned' : s.fields.map((f) => `${f.name}=${f.transform}(${f.sourceId}) [${f.fieldId}]`).join(', ');
    out.push(`  ${s.specId}${s.default ? ' (default)' : ''}: ${fields}`);
  }
  out.push('', 'sort orders');
  if (r.sortOrders.length === 0) out.push('  (none recorded)');
  for (const o of r.sortOrders) {
    const fields = o.fields.length === 0 ? 'unsorted' : o.fields.map((f) => `${f.transform}(${f.sourceId}) ${f.direction} ${f.nullOrder}`).join(', ');
    out.push(`  ${o.orderId}${o.orderId === r.defaultSortOrderId ? ' (default)' : ''}: ${fields}`);
  }
  out.push('', `snapshots (${r.snapshots.length})`);
  if (r.snapshots.length > 0) {
    out.push(columns([
      ['snapshot id', 'parent', 'seq', 'committed at', 'operation', 'records'],
      ...r.snapshots.map((s) => [
        s.snapshotId + (s.snapshotId === r.currentSnapshotId ? ' *' : ''),
        s.parentSnapshotId ?? '-',
        String(s.sequenceNumber),
        iso(s.timestampMs),
        s.operation ?? '-',
        s.summary['total-records'] ?? '-',
      ]),
    ]));
  }
  out.push('', 'refs');
  const refs = Object.entries(r.refs);
  if (refs.length === 0) out.push('  (none)');
  else out.push(columns(refs.map(([name, ref]) => [name, ref.type, ref.snapshotId])));
  out.push('', 'properties');
  const props = Object.entries(r.properties);
  if (props.length === 0) out.push('  (none)');
  else out.push(columns(props.map(([k, v]) => [k, v.length > 120 ? `${v.slice(0, 117)}...` : v])));
  return `${out.join('\n')}\n`;
}
