/**
 * `DeleteLoader`: loads the deletes of one task on demand, with a scan-wide cache so that each
 * delete file is read once per scan and concurrent loads of the same file share one read.
 */
import { IcebergScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { DeleteFile } from '../metadata/content-file.ts';
import type { ScanStats } from '../task/scan-stats.ts';
import { readDeletionVector } from './deletion-vector.ts';
import { readEqualityDeleteFile, type EqualityDeleteSet } from './equality-delete-file.ts';
import { locationKey, positionsForDataFile, readPositionDeleteFile, type NullFilePathPolicy } from './position-delete-file.ts';
import { PositionSet } from './position-set.ts';
import type { TaskDeletes } from './task-deletes.ts';

/** Options of {@link DeleteLoader}. */
export interface DeleteLoaderOptions {
  /** The scan's FileIO (wrap it in a `CountingFileIO` to count delete-file reads). */
  readonly io: FileIO;
  /** Aborts every delete-file read. */
  readonly signal: AbortSignal;
  /** Incremented: `deleteFilesRead` once per delete file (or DV blob) actually read. */
  readonly stats?: ScanStats;
  /** Null `file_path` in position delete files: `'error'` (default) or `'skip'`. */
  readonly nullFilePath?: NullFilePathPolicy;
}

/** True for a deletion vector (a position delete stored as a Puffin blob). */
export function isDeletionVector(file: DeleteFile): boolean {
  return file.content === 'position_deletes' && file.format === 'puffin';
}

/**
 * Loads and caches delete files for one scan. Position delete files are kept as
 * `data file path → PositionSet` for every path they name, so one file shared by many data files is
 * read once; entries live as long as the loader (the scan).
 */
export class DeleteLoader {
  private readonly positionFiles = new Map<string, Promise<Map<string, PositionSet>>>();
  private readonly vectors = new Map<string, Promise<PositionSet>>();
  private readonly equalityFiles = new Map<string, Promise<EqualityDeleteSet>>();

  constructor(private readonly options: DeleteLoaderOptions) {}

  /**
   * Loads every delete of `task`. A deletion vector replaces the task's position delete files
   * (which are then not read). More than one deletion vector for a data file is `data_invalid`.
   */
  async load(task: FileScanTask): Promise<TaskDeletes> {
    const dataFilePath = task.dataFile.path;
    const vectors = task.deletes.filter(isDeletionVector);
    if (vectors.length > 1) {
      throw new IcebergScanError('data_invalid', `${vectors.length} deletion vectors apply to one data file`, {
        path: dataFilePath,
        expected: 'at most one deletion vector per data file',
      });
    }
    const dv = vectors[0];
    if (dv?.referencedDataFile !== undefined && locationKey(dv.referencedDataFile) !== locationKey(dataFilePath)) {
      throw new IcebergScanError('data_invalid', `deletion vector references ${dv.referencedDataFile}`, {
        path: dv.path,
        expected: `referenced_data_file ${dataFilePath}`,
      });
    }
    const positionFiles = dv !== undefined ? [] : task.deletes.filter((d) => d.content === 'position_deletes');
    const equalityFiles = task.deletes.filter((d) => d.content === 'equality_deletes');
    const [deletionVector, positions, equality] = await Promise.all([
      dv === undefined ? undefined : this.vector(dv),
      Promise.all(positionFiles.map(async (f) => positionsForDataFile(await this.positionFile(f), dataFilePath) ?? PositionSet.EMPTY)),
      Promise.all(equalityFiles.map((f) => this.equalityFile(f))),
    ]);
    const recordCount = task.dataFile.recordCount;
    positionFiles.forEach((f, i) => checkPositionsInFile(positions[i]!, recordCount, f.path, dataFilePath));
    if (deletionVector !== undefined && dv !== undefined) checkPositionsInFile(deletionVector, recordCount, dv.path, dataFilePath);
    return {
      dataFilePath,
      deletionVector,
      positions: positions.filter((p) => p.size > 0),
      equality: equality.filter((e) => e.keys.size > 0),
    };
  }

  private positionFile(file: DeleteFile): Promise<Map<string, PositionSet>> {
    return this.cached(this.positionFiles, file.path, () => readPositionDeleteFile(this.options.io, file, this.options));
  }

  private vector(file: DeleteFile): Promise<PositionSet> {
    const key = `${file.path}#${file.contentOffset}+${file.contentSizeInBytes}`;
    return this.cached(this.vectors, key, () => readDeletionVector(this.options.io, file, this.options.signal));
  }

  private equalityFile(file: DeleteFile): Promise<EqualityDeleteSet> {
    const key = `${file.path}#${(file.equalityIds ?? []).join(',')}`;
    return this.cached(this.equalityFiles, key, () => readEqualityDeleteFile(this.options.io, file, this.options.signal));
  }

  /** Returns the cached promise for `key`, starting `load` (and counting the read) on first use. */
  private cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = cache.get(key);
    if (p === undefined) {
      if (this.options.stats !== undefined) this.options.stats.deleteFilesRead += 1;
      p = Promise.resolve().then(load);
      p.catch(() => {}); // observed by every awaiting task; never an unhandled rejection
      cache.set(key, p);
    }
    return p;
  }
}

/**
 * A deleted position must name a row of the data file: one at or past its record count means the
 * delete file and the data file disagree (a corrupt or misattributed delete), and applying it
 * would hide nothing while silently trusting a broken table.
 */
function checkPositionsInFile(set: PositionSet, recordCount: number, deletePath: string, dataFilePath: string): void {
  if (set.max < recordCount) return;
  throw new IcebergScanError('data_invalid', `deletes position ${set.max} of ${dataFilePath}, which has ${recordCount} rows`, {
    path: deletePath,
    expected: `positions below the data file's record count ${recordCount}`,
    context: { dataFile: dataFilePath },
  });
}
