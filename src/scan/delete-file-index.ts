/**
 * Matches delete files to data files by the spec's scan-planning rules: position deletes and
 * deletion vectors when the delete's data sequence number is ≥ the data file's, equality deletes
 * when strictly >; same spec and partition, except path-scoped position deletes (by
 * `referenced_data_file` or equal `file_path` bounds) and global equality deletes (unpartitioned
 * spec). A deletion vector supersedes position-delete files for its data file.
 */
import { locationKey } from '../io/table-file-io.ts';
import { isUnpartitioned, type PartitionSpec } from '../metadata/partition-spec.ts';
import type { ContentFile, DataFile, DeleteFile } from '../metadata/content-file.ts';

/** Field id of `file_path` in position delete files (reserved, spec "Reserved Field IDs"). */
export const DELETE_FILE_PATH_FIELD_ID = 2147483546;

/** Collects delete files, then answers which apply to a data file. */
export class DeleteFileIndex {
  private readonly positionByPath = new Map<string, DeleteFile[]>();
  private readonly positionByPartition = new Map<string, DeleteFile[]>();
  private readonly vectorsByPath = new Map<string, DeleteFile[]>();
  private readonly equalityByPartition = new Map<string, DeleteFile[]>();
  private readonly globalEquality: DeleteFile[] = [];
  private count = 0;

  /** Field ids compared by the equality delete files added (helper columns a scan must read). */
  equalityFieldIds(): number[] {
    const ids = new Set<number>();
    for (const list of [this.globalEquality, ...this.equalityByPartition.values()]) {
      for (const d of list) for (const id of d.equalityIds ?? []) ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  }

  /** Number of delete files added. */
  get size(): number {
    return this.count;
  }

  /**
   * Adds a delete file of spec `spec`. Data files are ignored.
   *
   * @param file A position or equality delete file, or a deletion vector (format `puffin`).
   * @param spec The spec of the manifest it was listed in.
   */
  add(file: DeleteFile, spec: PartitionSpec): void {
    if (file.content === 'data') return;
    this.count++;
    if (file.content === 'equality_deletes') {
      if (isUnpartitioned(spec)) this.globalEquality.push(file);
      else push(this.equalityByPartition, partitionKey(file), file);
      return;
    }
    const target = referencedPath(file);
    if (file.format === 'puffin') {
      // A deletion vector always names its data file; one without is unusable by path and is
      // kept partition-scoped so it is not silently lost.
      if (target !== undefined) push(this.vectorsByPath, locationKey(target), file);
      else push(this.positionByPartition, partitionKey(file), file);
      return;
    }
    if (target !== undefined) push(this.positionByPath, locationKey(target), file);
    else push(this.positionByPartition, partitionKey(file), file);
  }

  /**
   * The delete files that apply to `data`, deletion vectors first. Equality deletes come last.
   *
   * @param data A data file with its data sequence number resolved.
   */
  forDataFile(data: DataFile): DeleteFile[] {
    if (this.count === 0) return [];
    const seq = data.sequenceNumber ?? 0;
    const pathKey = locationKey(data.path);
    const pKey = partitionKey(data);
    const atLeast = (d: DeleteFile) => (d.sequenceNumber ?? 0) >= seq;
    const vectors = (this.vectorsByPath.get(pathKey) ?? []).filter(atLeast);
    const vectorsInPartition = (this.positionByPartition.get(pKey) ?? []).filter((d) => d.format === 'puffin' && atLeast(d));
    const out: DeleteFile[] = [...vectors, ...vectorsInPartition];
    if (out.length === 0) {
      for (const d of this.positionByPath.get(pathKey) ?? []) if (atLeast(d)) out.push(d);
      for (const d of this.positionByPartition.get(pKey) ?? []) if (d.format !== 'puffin' && atLeast(d)) out.push(d);
    }
    const greater = (d: DeleteFile) => (d.sequenceNumber ?? 0) > seq;
    for (const d of this.equalityByPartition.get(pKey) ?? []) if (greater(d)) out.push(d);
    for (const d of this.globalEquality) if (greater(d)) out.push(d);
    return out;
  }
}

/** The single data file a position delete file or DV applies to, when it names one. */
export function referencedPath(file: DeleteFile): string | undefined {
  if (file.referencedDataFile !== undefined) return file.referencedDataFile;
  const key = String(DELETE_FILE_PATH_FIELD_ID);
  const lower = file.lowerBounds?.[key];
  const upper = file.upperBounds?.[key];
  if (lower !== undefined && lower === upper) return Buffer.from(lower, 'base64').toString('utf8');
  return undefined;
}

/** Spec id plus partition tuple, canonical (keys sorted; -0 and NaN normalised). */
function partitionKey(file: ContentFile): string {
  const entries = Object.entries(file.partition ?? {})
    .map(([k, v]) => [Number(k), typeof v === 'number' ? normaliseNumber(v) : v] as const)
    .sort((a, b) => a[0] - b[0]);
  return `${file.specId}|${JSON.stringify(entries)}`;
}

function normaliseNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  return Object.is(v, -0) ? 0 : v;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
