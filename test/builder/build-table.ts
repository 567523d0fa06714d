/**
 * `buildTable`: writes a complete Iceberg table (metadata JSON, manifest lists, manifests, Parquet
 * data and delete files, Puffin deletion vectors) into a folder from a declarative description.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IcebergScanError } from '../../src/errors.ts';
import { NAME_MAPPING_PROPERTY } from '../../src/metadata/name-mapping.ts';
import { Ids, currentSchema, descriptionError, resolveSnapshot, type BuilderState, type FileRecord, type SnapshotState } from './builder-state.ts';
import { commitSnapshot, liveEntries } from './commit-snapshot.ts';
import { expectedRows } from './expected-rows.ts';
import { writeMetadataFile } from './metadata-json.ts';
import { buildSpec } from './partitioning.ts';
import { evolveSchema, maxFieldId, nameMappingJson, schemaFromInput } from './schema-changes.ts';
import type { BuiltFile, BuiltSnapshot, BuiltTable, CommitStep, MetadataStep, TableDescription } from './table-description.ts';


function isCommit(step: CommitStep | MetadataStep): step is CommitStep {
  return !['evolveSchema', 'evolveSpec', 'tag', 'createBranch', 'setCurrent', 'setProperties', 'upgradeFormatVersion'].some((k) => k in step);
}

function applyMetadataStep(state: BuilderState, step: MetadataStep): void {
  if ('evolveSchema' in step) {
    if (state.formatVersion < 3 && (step.evolveSchema.add ?? []).some((f) => f.initialDefault !== undefined || f.writeDefault !== undefined)) {
      throw descriptionError('default values need format version 3');
    }
    const schema = currentSchema(state);
    const next = evolveSchema({ ...schema, schemaId: Math.max(...state.schemas.map((s) => s.schemaId)) }, step.evolveSchema, state.lastColumnId);
    state.schemas.push(next.schema);
    state.currentSchemaId = next.schema.schemaId;
    state.lastColumnId = next.lastColumnId;
  } else if ('evolveSpec' in step) {
    const specId = Math.max(...state.specs.map((s) => s.specId)) + 1;
    const schema = currentSchema(state);
    const built = buildSpec(schema, step.evolveSpec, specId, state.lastPartitionId);
    state.specs.push(built.spec);
    state.defaultSpecId = specId;
    state.lastPartitionId = built.lastPartitionId;
  } else if ('tag' in step) {
    state.refs.set(step.tag, { snapshotId: resolveSnapshot(state, step.snapshot ?? 'main').snapshotId, type: 'tag' });
  } else if ('createBranch' in step) {
    state.refs.set(step.createBranch, { snapshotId: resolveSnapshot(state, step.snapshot ?? 'main').snapshotId, type: 'branch' });
  } else if ('setCurrent' in step) {
    const s = resolveSnapshot(state, step.setCurrent);
    state.refs.set('main', { snapshotId: s.snapshotId, type: 'branch' });
    state.currentSnapshotId = s.snapshotId;
    state.snapshotLog.push({ 'timestamp-ms': state.lastUpdatedMs, 'snapshot-id': s.snapshotId });
  } else if ('setProperties' in step) {
    Object.assign(state.properties, step.setProperties);
  } else {
    if (step.upgradeFormatVersion <= state.formatVersion) throw descriptionError(`cannot upgrade v${state.formatVersion} to v${step.upgradeFormatVersion}`);
    state.formatVersion = step.upgradeFormatVersion;
  }
}

function builtSnapshot(state: BuilderState, s: SnapshotState): BuiltSnapshot {
  return {
    label: s.label,
    snapshotId: s.snapshotId,
    ...(s.parentSnapshotId !== undefined ? { parentSnapshotId: s.parentSnapshotId } : {}),
    sequenceNumber: s.sequenceNumber,
    timestampMs: s.timestampMs,
    operation: s.operation,
    branch: s.branch,
    schemaId: s.schemaId,
    manifestList: s.manifestList,
    added: s.added,
    removed: s.removed,
    live: liveEntries(s.manifests).map((e) => e.name),
    ...(s.firstRowId !== undefined ? { firstRowId: s.firstRowId } : {}),
  };
}

function builtFile(f: FileRecord): BuiltFile {
  const { contentCode: _c, partitionValues: _p, metrics: _m, columnSizes: _s, splitOffsets: _o, explicitSequenceNumber: _e, targetName: _t, deletedPositions: _d, rows: _r, schemaId: _i, fileFields: _f, loadColumns: _l, ...rest } = f;
  return rest;
}

/**
 * Writes the table `description` into `dir` (created when missing) and describes what it wrote.
 * Every step writes a new metadata file, so older versions stay loadable.
 */
export async function buildTable(dir: string, description: TableDescription): Promise<BuiltTable> {
  const root = resolve(dir);
  mkdirSync(join(root, 'metadata'), { recursive: true });
  mkdirSync(join(root, 'data'), { recursive: true });
  const schema = schemaFromInput(description.schema);
  const ids = new Ids(description.seed ?? 1);
  const location = (description.location ?? root).replace(/\/+$/, '');
  const state: BuilderState = {
    formatVersion: description.formatVersion ?? 2,
    dir: root,
    location,
    tableUuid: ids.uuid(),
    ids,
    ...(description.dataLocation ? { dataLocation: { recorded: description.dataLocation.recorded, local: resolve(description.dataLocation.local) } } : {}),
    schemas: [schema],
    currentSchemaId: schema.schemaId,
    lastColumnId: maxFieldId(schema),
    specs: [],
    defaultSpecId: 0,
    lastPartitionId: 999,
    properties: { ...(description.properties ?? {}) },
    lastSequenceNumber: 0,
    nextRowId: 0,
    files: new Map(),
    snapshots: [],
    refs: new Map(),
    snapshotLog: [],
    metadataLog: [],
    metadataFiles: [],
    lastUpdatedMs: description.baseTimeMs ?? 1_700_000_000_000,
    anyFileWithoutIds: false,
    aliases: new Map(),
  };
  const first = buildSpec(schema, description.partitionSpec ?? [], 0, 999);
  state.specs.push(first.spec);
  state.lastPartitionId = first.lastPartitionId;
  const naming = description.metadataNaming ?? 'hadoop';
  const ctxBase = {
    compression: description.compression ?? 'zstd',
    metrics: description.metrics ?? 'full',
    codec: description.manifestCodec ?? 'deflate',
    largeSnapshotIds: description.largeSnapshotIds ?? false,
  } as const;
  const syncNameMapping = () => {
    if (description.nameMapping ?? state.anyFileWithoutIds) {
      state.properties[NAME_MAPPING_PROPERTY] = nameMappingJson(currentSchema(state), state.aliases);
    }
  };
  syncNameMapping();
  let metadataPath = writeMetadataFile(state, naming, description.gzipMetadata ?? false);
  for (const [i, step] of description.steps.entries()) {
    const time = 'timestampMs' in step && step.timestampMs !== undefined ? step.timestampMs : state.lastUpdatedMs + 1000;
    state.lastUpdatedMs = Math.max(time, state.lastUpdatedMs);
    try {
      if (isCommit(step)) await commitSnapshot(state, step, { ...ctxBase, timestampMs: time });
      else applyMetadataStep(state, step);
    } catch (e) {
      if (e instanceof IcebergScanError) throw new IcebergScanError(e.code, `step ${i}: ${e.message}`, { cause: e });
      throw e;
    }
    syncNameMapping();
    metadataPath = writeMetadataFile(state, naming, description.gzipMetadata ?? false);
  }
  const snapshots = state.snapshots.map((s) => builtSnapshot(state, s));
  const files = Object.fromEntries([...state.files].map(([n, f]) => [n, builtFile(f)]));
  return {
    dir: root,
    location,
    formatVersion: state.formatVersion,
    metadataPath,
    metadataFiles: state.metadataFiles.map((n) => join(root, 'metadata', n)),
    ...(state.currentSnapshotId !== undefined ? { currentSnapshotId: state.currentSnapshotId } : {}),
    snapshots,
    files,
    refs: Object.fromEntries(state.refs),
    schemas: [...state.schemas],
    snapshot(label: string) {
      const s = snapshots.find((x) => x.label === label);
      if (!s) throw new IcebergScanError('not_found', `table builder: no snapshot labelled ${label}`);
      return s;
    },
    rowsOf(fileName: string) {
      return state.files.get(fileName)?.rows;
    },
    expectedRows(ref?: string) {
      return expectedRows(state, ref);
    },
  };
}
