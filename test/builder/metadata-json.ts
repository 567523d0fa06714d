/**
 * Table metadata JSON for the table builder (v1, v2 and v3 field sets), written as the next
 * `vN.metadata.json` (plus `version-hint.text`) or `NNNNN-<uuid>.metadata.json`, optionally
 * gzip-compressed (`vN.gz.metadata.json`).
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { schemaToWire } from '../../src/metadata/schema.ts';
import { currentSchema, specById, stringifyExact, type BuilderState, type SnapshotState } from './builder-state.ts';
import { specJson } from './partitioning.ts';

function snapshotJson(state: BuilderState, s: SnapshotState): Record<string, unknown> {
  return {
    'snapshot-id': s.snapshotId,
    ...(s.parentSnapshotId !== undefined ? { 'parent-snapshot-id': s.parentSnapshotId } : {}),
    ...(state.formatVersion >= 2 ? { 'sequence-number': s.sequenceNumber } : {}),
    'timestamp-ms': s.timestampMs,
    summary: s.summary,
    'manifest-list': s.manifestList,
    'schema-id': s.schemaId,
    ...(state.formatVersion >= 3 && s.firstRowId !== undefined ? { 'first-row-id': s.firstRowId, 'added-rows': s.addedRows ?? 0 } : {}),
  };
}

/** The table metadata object for the builder's current state. */
export function metadataJson(state: BuilderState): Record<string, unknown> {
  const v = state.formatVersion;
  const md: Record<string, unknown> = {
    'format-version': v,
    'table-uuid': state.tableUuid,
    location: state.location,
    ...(v >= 2 ? { 'last-sequence-number': state.lastSequenceNumber } : {}),
    'last-updated-ms': state.lastUpdatedMs,
    'last-column-id': state.lastColumnId,
  };
  if (v === 1) {
    md.schema = schemaToWire(currentSchema(state));
    md['partition-spec'] = specJson(specById(state, state.defaultSpecId)).fields;
  }
  Object.assign(md, {
    'current-schema-id': state.currentSchemaId,
    schemas: state.schemas.map(schemaToWire),
    'default-spec-id': state.defaultSpecId,
    'partition-specs': state.specs.map(specJson),
    'last-partition-id': state.lastPartitionId,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: state.properties,
  });
  if (state.currentSnapshotId !== undefined) md['current-snapshot-id'] = state.currentSnapshotId;
  else if (v < 3) md['current-snapshot-id'] = -1;
  if (v >= 3) md['next-row-id'] = state.nextRowId;
  md.refs = Object.fromEntries([...state.refs].map(([name, r]) => [name, { 'snapshot-id': r.snapshotId, type: r.type }]));
  md.snapshots = state.snapshots.map((s) => snapshotJson(state, s));
  md.statistics = [];
  md['snapshot-log'] = state.snapshotLog;
  md['metadata-log'] = state.metadataLog;
  return md;
}

/** Writes the next metadata file; returns its absolute local path. */
export function writeMetadataFile(state: BuilderState, naming: 'hadoop' | 'uuid', gzip = false): string {
  const version = state.metadataFiles.length + 1;
  const suffix = gzip ? '.gz.metadata.json' : '.metadata.json';
  const name = naming === 'hadoop' ? `v${version}${suffix}` : `${String(version).padStart(5, '0')}-${state.ids.uuid()}${suffix}`;
  const local = join(state.dir, 'metadata', name);
  const previous = state.metadataFiles[state.metadataFiles.length - 1];
  if (previous) state.metadataLog.push({ 'timestamp-ms': state.lastUpdatedMs, 'metadata-file': `${state.location}/metadata/${previous}` });
  const text = stringifyExact(metadataJson(state), 2);
  writeFileSync(local, gzip ? gzipSync(text) : text);
  if (naming === 'hadoop') writeFileSync(join(state.dir, 'metadata', 'version-hint.text'), String(version));
  state.metadataFiles.push(name);
  return local;
}
