/**
 * The per-file reader: one data file (or byte split) → a cold, cancellable Observable of
 * `FileBatch`es. Parquet is read as footer → row-group plan → fetch → decode → batch: the footer
 * in one ranged read of the tail, then for each row group the projected column chunks (all I/O in
 * JS, through the `InputFile`), decoded by the scan's decoder with the deleted rows skipped.
 */
import { defer, type Observable, type Subscriber } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import { coalesceRanges } from '../io/coalesce.ts';
import type { InputFile } from '../io/input-file.ts';
import type { FileBatch } from '../task/file-batch.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { DeletedRows } from '../task/row-selection.ts';
import type { FileProjection } from '../task/file-projection.ts';
import { readAvroDataFile } from './avro/read-avro-data-file.ts';
import { validateColumnPaths } from './column-paths.ts';
import { columnGroups, rootColumnOrder, zipColumnGroups } from './column-groups.ts';
import { fileKeyOf, type RowGroupDecoder } from './decoder/row-group-decoder.ts';
import { localDecoder } from './decoder/local-decoder.ts';
import type { ByteRegion } from './decoder/wasm-decoder.ts';
import { readParquetTailOfSize, type ParquetTail } from './parquet-footer.ts';
import { awaitPace, fileReadObservable, type ReadDataFileContext } from './read-context.ts';
import type { ReadAheadGrant } from './read-ahead.ts';
import { rowGroupFirstRows, selectRowGroups } from './row-group-plan.ts';
import { RowGroupSelection } from './row-selection.ts';
import { markOutside, pageIndexesOf, skippedPages } from './page-index.ts';
import type { PageIndexes } from '../task/file-stage.ts';

/**
 * Reads one data file as `FileBatch`es in file order (Avro data files go to `readAvroDataFile`;
 * what follows describes Parquet). For each row group of the task's split that `rowGroupFilter`
 * keeps, the projected column chunks are fetched and decoded in batches of `batchSize` rows; the
 * next row group is fetched and handed to the decoder while the current one is consumed, within
 * the scan's read-ahead bound. Every batch carries the absolute position of its first row (and of
 * the others when rows were skipped). Empty batches are never emitted. When the delete stage has
 * handed over the file's deleted positions (`ctx.rowSelection.deleted`), the decoder skips those
 * rows and the batches are marked `positionDeletesApplied`.
 *
 * Cold: nothing is read until subscription. Unsubscribing aborts in-flight reads and cancels the
 * decoding; no read starts afterwards. Errors are `IcebergScanError`s naming the file.
 *
 * @param task The file (or split) to read.
 * @param ctx FileIO, projection, stats, batch size, decoder, read-ahead and pacer.
 * @returns The file's batches.
 */
export function readDataFile(task: FileScanTask, ctx: ReadDataFileContext): Observable<FileBatch> {
  if (task.dataFile.format === 'avro') return readAvroDataFile(task, ctx);
  return defer(() =>
    fileReadObservable(ctx, task.dataFile.path, 'Parquet', (signal, subscriber) => readParquetFile(task, ctx, signal, subscriber)),
  );
}

/** What reading one Parquet file needs once its footer is known. */
interface FileRead {
  readonly task: FileScanTask;
  readonly ctx: ReadDataFileContext;
  readonly signal: AbortSignal;
  readonly subscriber: Subscriber<FileBatch>;
  readonly input: InputFile;
  readonly tail: ParquetTail;
  readonly fileKey: string;
  readonly projection: FileProjection;
  readonly decoder: RowGroupDecoder;
  readonly deleted: DeletedRows | undefined;
  readonly firstRows: readonly number[];
}

async function readParquetFile(task: FileScanTask, ctx: ReadDataFileContext, signal: AbortSignal, subscriber: Subscriber<FileBatch>): Promise<void> {
  const path = task.dataFile.path;
  if (task.dataFile.format !== 'parquet') {
    throw new IcebergScanError('feature_unsupported', `data file format ${task.dataFile.format}`, { path, expected: 'parquet' });
  }
  await awaitPace(ctx.pace, signal, path);
  const input = ctx.io.newInputFile(path);
  // The manifest's size saves a length call (a HEAD request on object stores).
  const tail = await readParquetTailOfSize(input, task.dataFile.fileSizeInBytes, signal);
  if (subscriber.closed) return;
  ctx.stats.files += 1;
  const footer = tail.metadata;
  const projection = ctx.projection.forFile(task, footer);
  if (projection.columns.length > 0) validateColumnPaths(footer, projection.columns, path);
  const rowGroups = selectRowGroups(footer, task.start, task.length).filter((k) => {
    const keep = ctx.rowGroupFilter?.(task, footer, k) ?? true;
    if (!keep) {
      ctx.stats.rowGroupsSkipped += 1;
      ctx.stats.pruned.rowGroups += 1;
    }
    return keep;
  });
  const decoder = ctx.decoder ?? localDecoder;
  const read: FileRead = {
    task, ctx, signal, subscriber, input, tail, projection, decoder,
    fileKey: fileKeyOf(path, tail.fileSize, tail.bytes),
    // Read once: the delete stage sets it before it subscribes.
    deleted: ctx.rowSelection?.deleted,
    firstRows: rowGroupFirstRows(footer),
  };
  if (projection.columns.length === 0) return countRows(read, rowGroups);
  try {
    await readRowGroups(read, rowGroups);
  } finally {
    decoder.forget(read.fileKey);
  }
}

/** A row group handed to the decoder: its parts' batches, zipped, and where its rows sit. */
interface StartedRowGroup {
  readonly rowGroup: number;
  readonly selection: RowGroupSelection;
  readonly parts: ReadonlyArray<AsyncIterator<RecordBatch, undefined>>;
  readonly grant: ReadAheadGrant | undefined;
}

/**
 * Reads the row groups in order with one row group ahead: once the first batch of row group k has
 * arrived, row group k+1 is fetched and handed to the decoder (waiting for the scan's read-ahead
 * bound), so decoding never waits for I/O.
 */
async function readRowGroups(read: FileRead, rowGroups: readonly number[]): Promise<void> {
  const { ctx, signal, subscriber } = read;
  const path = read.task.dataFile.path;
  const rootOrder = rootColumnOrder(read.tail.metadata);
  let index = 0;
  const startNext = async (): Promise<StartedRowGroup | undefined> => {
    while (index < rowGroups.length && !subscriber.closed) {
      const k = rowGroups[index]!;
      const last = index === rowGroups.length - 1;
      const started = await startRowGroup(read, k, index++);
      if (last) ctx.readAhead?.closeTask(ctx.taskIndex ?? 0);
      if (started !== undefined) return started;
    }
    ctx.readAhead?.closeTask(ctx.taskIndex ?? 0);
    return undefined;
  };
  await awaitPace(ctx.pace, signal, path);
  let current = await startNext();
  let ahead: Promise<StartedRowGroup | undefined> | undefined;
  try {
    while (current !== undefined && !subscriber.closed) {
      const first = read.firstRows[current.rowGroup]!;
      for (;;) {
        const results = await Promise.all(current.parts.map((p) => p.next()));
        if (results.every((r) => r.done)) break;
        if (results.some((r) => r.done)) throw mismatch(path, current.rowGroup, 'column groups ended at different batches');
        let decoded: RecordBatch;
        try {
          decoded = zipColumnGroups(results.map((r) => r.value!), rootOrder);
        } catch (error) {
          throw mismatch(path, current.rowGroup, (error as Error).message);
        }
        if (subscriber.closed) return;
        emit(read, decoded, first, current);
        if (ahead === undefined) {
          ahead = startNext();
          ahead.catch(() => undefined); // awaited when its turn comes; no unhandled rejection meanwhile
        }
        await awaitPace(ctx.pace, signal, path);
        if (subscriber.closed) return;
      }
      current.grant?.finished();
      const next = ahead ?? startNext();
      ahead = undefined;
      current = await next;
    }
  } finally {
    release(current);
    if (ahead !== undefined) void ahead.then(release, () => undefined);
  }
}

/** Emits one decoded batch with the positions of its rows. */
function emit(read: FileRead, decoded: RecordBatch, firstRow: number, rowGroup: StartedRowGroup): void {
  let rows;
  try {
    rows = rowGroup.selection.take(decoded.numRows);
  } catch (error) {
    throw mismatch(read.task.dataFile.path, rowGroup.rowGroup, (error as Error).message);
  }
  const position = firstRow + rows.first;
  const batch = read.projection.project(decoded, position, decoded.numRows, rows.offsets);
  if (batch.numRows === 0) return;
  read.subscriber.next({
    task: read.task,
    batch,
    firstRowPosition: position,
    ...(rows.offsets === undefined ? {} : { rowOffsets: rows.offsets }),
    ...(read.deleted === undefined ? {} : { positionDeletesApplied: true }),
  });
}

/**
 * Plans one row group (its selection, its column groups), waits for read-ahead room, fetches the
 * groups' column chunks and hands them to the decoder. Returns undefined when every row of it is
 * deleted (nothing is read then).
 */
async function startRowGroup(read: FileRead, k: number, index: number): Promise<StartedRowGroup | undefined> {
  const { ctx, signal, tail } = read;
  const footer = tail.metadata;
  const path = read.task.dataFile.path;
  const { selection, pages } = selectionOf(read, k);
  if (selection.selected === 0) {
    ctx.stats.rowGroupsRead += 1; // every row deleted: nothing to fetch, but the row group was not pruned
    return undefined;
  }
  const groups = columnGroups(footer, k, read.projection.columns, ctx.decodeParallelism ?? 1);
  if (selection.runs !== undefined) {
    ctx.stats.pagesSkipped += skippedPages(pages ?? pageIndexesOf(tail, k), groups.flatMap((g) => [...g.leaves]), selection.runs, selection.rows);
  }
  const bytes = groups.reduce((n, g) => n + g.bytes, 0);
  const grant = await ctx.readAhead?.acquire([ctx.taskIndex ?? 0, index], bytes, selection.selected, signal);
  ctx.stats.rowGroupsRead += 1; // counted once its chunks are fetched, not while it waits for room
  const parts: Array<AsyncIterator<RecordBatch, undefined>> = [];
  try {
    const fetched = await Promise.all(groups.map((g) => fetchRegions(read.input, g.ranges, signal)));
    let undecoded = groups.length;
    groups.forEach((g, j) => {
      parts.push(read.decoder.decode({
        path,
        fileKey: read.fileKey,
        fileSize: tail.fileSize,
        tail: { start: tail.start, bytes: tail.bytes },
        rowGroup: k,
        leaves: g.leaves,
        regions: fetched[j]!,
        selection: selection.runs,
        batchSize: ctx.batchSize,
        priority: (ctx.taskIndex ?? 0) * 65_536 + index,
        onDecoded: () => {
          if (--undecoded === 0) grant?.decoded();
        },
      }, signal));
    });
  } catch (error) {
    for (const p of parts) void p.return?.();
    grant?.finished();
    throw error;
  }
  return { rowGroup: k, selection, parts, grant };
}

/** The rows of row group `k` to decode, and its page indexes when a page filter consulted them. */
interface PlannedRows {
  readonly selection: RowGroupSelection;
  readonly pages: PageIndexes | undefined;

}

/**
 * The rows of row group `k` to decode: all but the deleted ones handed over by the delete stage
 * and those in pages that the page indexes prove cannot match the filter.
 */
function selectionOf(read: FileRead, k: number): PlannedRows {
  const { ctx, tail } = read;
  const rows = Number(tail.metadata.row_groups[k]!.num_rows);
  const deleted = read.deleted;
  let mask: Uint8Array | undefined;
  if (deleted !== undefined && rows > 0) {
    mask = new Uint8Array(rows);
    ctx.stats.rowsDeleted[deleted.kind] += deleted.markRange(read.firstRows[k]!, rows, mask);
  }
  let pages: PageIndexes | undefined;
  if (ctx.pageFilter !== undefined && rows > 0) {
    pages = pageIndexesOf(tail, k);
    const keep = ctx.pageFilter(read.task, tail.metadata, k, pages);
    if (keep !== undefined) {
      mask ??= new Uint8Array(rows);
      ctx.stats.rowsSkipped += markOutside(keep, mask);
    }
  }
  return { selection: new RowGroupSelection(rows, mask), pages };
}

/** A projection without file columns: row counts (and positions) only, nothing decoded. */
async function countRows(read: FileRead, rowGroups: readonly number[]): Promise<void> {
  const { ctx, signal, subscriber } = read;
  const path = read.task.dataFile.path;
  for (const k of rowGroups) {
    const { selection } = selectionOf(read, k);
    ctx.stats.rowGroupsRead += 1;
    for (let left = selection.selected; left > 0 && !subscriber.closed; ) {
      await awaitPace(ctx.pace, signal, path);
      const n = Math.min(ctx.batchSize, left);
      const rows = selection.take(n);
      const position = read.firstRows[k]! + rows.first;
      const batch = read.projection.project(undefined, position, n, rows.offsets);
      left -= n;
      if (batch.numRows === 0) continue;
      subscriber.next({
        task: read.task,
        batch,
        firstRowPosition: position,
        ...(rows.offsets === undefined ? {} : { rowOffsets: rows.offsets }),
        ...(read.deleted === undefined ? {} : { positionDeletesApplied: true }),
      });
    }
  }
}

/** Reads the column chunks `ranges` (neighbours coalesced) as regions the decoder takes over. */
async function fetchRegions(input: InputFile, ranges: ReadonlyArray<{ start: number; end: number }>, signal: AbortSignal): Promise<ByteRegion[]> {
  const reads = coalesceRanges(ranges);
  return Promise.all(reads.map(async (r) => ({ start: r.start, bytes: await input.read(r.start, r.end, signal) })));
}

/** Cancels a started row group's decoding and gives back its read-ahead. */
function release(started: StartedRowGroup | undefined): void {
  if (started === undefined) return;
  for (const p of started.parts) void p.return?.();
  started.grant?.finished();
}

function mismatch(path: string, rowGroup: number, message: string): IcebergScanError {
  return new IcebergScanError('data_invalid', `decoded rows of row group ${rowGroup} do not match its plan: ${message}`, {
    path,
    expected: 'as many rows as the row group selects',
    context: { rowGroup },
  });
}
