/**
 * Incremental planning: the manifests that a range's append snapshots added (`added_snapshot_id`
 * equal to the snapshot), read from each snapshot's own manifest list, so that a manifest merged
 * by a later append of the range (its files then EXISTING) does not hide them. Older manifests are
 * never read.
 *
 * A manifest (and an ADDED entry) belongs to a snapshot by `added_snapshot_id` (`snapshot_id`), or
 * in v2+ tables by sequence number: the manifest's `sequence_number` and the entry's file sequence
 * number are the adding snapshot's. The second rule keeps tables readable whose metadata JSON was
 * rewritten by a tool that rounded ids above 2^53 (one of the shared fixtures is such a table).
 */
import { IcebergScanError } from '../errors.ts';
import type { ManifestEntry } from '../metadata/manifest.ts';
import type { ManifestFile } from '../metadata/manifest-list.ts';
import type { Snapshot, SnapshotId } from '../metadata/snapshot.ts';

/** A manifest to read and the snapshot whose ADDED entries are taken from it. */
export interface AddedManifest {
  readonly manifest: ManifestFile;
  readonly addedBy: AddingSnapshot;
}

/** What identifies the snapshot that added a manifest or file. */
export interface AddingSnapshot {
  readonly snapshotId: SnapshotId;
  /** Its sequence number (0: v1, identify by id only). */
  readonly sequenceNumber: number;
}

function isAddingSnapshot(s: AddingSnapshot, snapshotId: SnapshotId | undefined, sequenceNumber: number): boolean {
  return snapshotId === s.snapshotId || (s.sequenceNumber > 0 && sequenceNumber === s.sequenceNumber);
}

/**
 * The data manifests added by each of `snapshots`, in their order then manifest-list order.
 *
 * @param snapshots Append snapshots, oldest first.
 * @param list Lists a snapshot's manifests (its manifest list, or v1 inline manifests).
 * @throws IcebergScanError `non_append_snapshot` when one of them added a delete manifest.
 */
export async function addedManifests(snapshots: readonly Snapshot[], list: (s: Snapshot) => Promise<ManifestFile[]>): Promise<AddedManifest[]> {
  const out: AddedManifest[] = [];
  for (const s of snapshots) {
    for (const m of await list(s)) {
      // A v1 manifest list may leave added_snapshot_id out: then the entries decide.
      if (m.addedSnapshotId !== undefined && !isAddingSnapshot(s, m.addedSnapshotId, m.sequenceNumber)) continue;
      if (m.content === 'deletes') {
        throw new IcebergScanError('non_append_snapshot', `snapshot ${s.snapshotId} (${s.summary.operation ?? 'no operation'}) added delete files`, {
          path: m.manifestPath,
          expected: 'an append snapshot to add data files only',
          context: { snapshotId: s.snapshotId, operation: s.summary.operation ?? '(none)' },
        });
      }
      out.push({ manifest: m, addedBy: { snapshotId: s.snapshotId, sequenceNumber: s.sequenceNumber } });
    }
  }
  return out;
}

/** True for an entry the snapshot `addedBy` added (status ADDED, its snapshot id or file sequence number). */
export function isAddedBy(entry: ManifestEntry, addedBy: AddingSnapshot): boolean {
  return entry.status === 'added' && isAddingSnapshot(addedBy, entry.snapshotId, entry.file.fileSequenceNumber ?? -1);
}
