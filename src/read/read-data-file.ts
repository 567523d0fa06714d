/**
 * The per-file reader: one data file (or byte split) → a cold, cancellable Observable of
 * `FileBatch`es, one row group at a time. All I/O happens in JS; parquet-wasm only decodes bytes
 * already in memory.
 */
import { defer, type Observable, type Subscriber } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import { IcebergScanError } from '../errors.ts';
import type { InputFile } from '../io/input-file.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { keptRowPositions, type FileBatch } from '../task/file-batch.ts';
import { readAvroDataFile } from './avro/read-avro-data-file.ts';
import { validateColumnPaths } from './column-paths.ts';
import { MemoryBlob, fetchRegions, type ByteRegion } from './memory-blob.ts';
import { readParquetTail, type ParquetTail } from './parquet-footer.ts';
import { awaitPace, fileReadObservable, type ReadDataFileContext } from './read-context.ts';
import { decodeRowGroupIsolated, forgetIsolatedFile } from './worker/decode-isolated.ts';
import { rowGroupFirstRows, selectRowGroups } from './row-group-plan.ts';
import { deletionMask, keptOffsets, keptRowsOf, type DeletedRows } from '../task/row-selection.ts';
import { DEFAULT_DECODE_ROWS, planRowGroupSlices, type RowGroupSlice } from './row-group-slices.ts';
import {
  freeWasmBatch,
  openWasmParquetFile,
  streamRowGroup,
  toArrowBatch,
  type WasmBatchReader,
  type WasmParquetFile,
} from './parquet-wasm.ts';

/** Mutable per-subscription state shared between the read loop and the teardown. */
interface ReadState {
  reader: WasmBatchReader | undefined;
}

/**
 * Reads one data file as `FileBatch`es in file order (Avro data files go to `readAvroDataFile`;
 * what follows describes Parquet). The footer is read once (one ranged read of
 * the tail); then, for each row group of the task's split that `rowGroupFilter` keeps, the projected
 * column chunks are fetched (neighbours coalesced) and decoded with parquet-wasm in batches of
 * `batchSize` rows. Every batch carries the absolute position of its first row. Empty batches are
 * never emitted. When the delete stage has handed over the file's deleted positions
 * (`ctx.rowSelection.deleted`), those rows are dropped as each batch is copied out of the decoder,
 * and the batches are marked `positionDeletesApplied`.
 *
 * Cold: nothing is read until subscription. Unsubscribing aborts in-flight reads, cancels the wasm
 * stream and frees its memory; no read starts afterwards. Errors are `IcebergScanError`s naming
 * the file.
 *
 * @param task The file (or split) to read.
 * @param ctx FileIO, projection, stats, batch size, row-group filter and pacer.
 * @returns The file's batches.
 */
export function readDataFile(task: FileScanTask, ctx: ReadDataFileContext): Observable<FileBatch> {
  if (task.dataFile.format === 'avro') return readAvroDataFile(task, ctx);
  return defer(() => {
    const state: ReadState = { reader: undefined }; // one per subscription
    return fileReadObservable(
      ctx,
      task.dataFile.path,
      'Parquet',
      (signal, subscriber) => readFile(task, ctx, signal, subscriber, state),
      () => void state.reader?.cancel().catch(() => undefined),
    );
  });
}

async function readFile(
  task: FileScanTask,
  ctx: ReadDataFileContext,
  signal: AbortSignal,
  subscriber: Subscriber<FileBatch>,
  state: ReadState,
): Promise<void> {
  const path = task.dataFile.path;
  if (task.dataFile.format !== 'parquet') {
    throw new IcebergScanError('feature_unsupported', `data file format ${task.dataFile.format}`, {
      path,
      expected: 'parquet',
    });
  }
  await awaitPace(ctx.pace, signal, path);
  const input = ctx.io.newInputFile(path);
  const tail = await readParquetTail(input, { signal });
  if (subscriber.closed) return;
  ctx.stats.files += 1;
  const footer = tail.metadata;
  const projection = ctx.projection.forFile(task, footer);
  const columns = projection.columns;
  if (columns.length > 0) validateColumnPaths(footer, columns, path);
  const firstRows = rowGroupFirstRows(footer);
  const rowGroups = selectRowGroups(footer, task.start, task.length).filter((k) => {
    const keep = ctx.rowGroupFilter?.(task, footer, k) ?? true;
    if (!keep) {
      ctx.stats.rowGroupsSkipped += 1;
      ctx.stats.pruned.rowGroups += 1;
    }
    return keep;
  });
  // Read once: the delete stage sets it before it subscribes.
  const deleted = ctx.rowSelection?.deleted;
  const applied = deleted === undefined ? {} : { positionDeletesApplied: true };
  /** Emits the rows `[position, position + numRows)` of the file, or only `kept` of them (offsets). */
  const emit: Emit = (decoded, position, numRows, kept) => {
    if (numRows === 0 || subscriber.closed) return;
    if (kept !== undefined) {
      ctx.stats.rowsDeleted[deleted!.kind] += numRows - kept.length;
      if (kept.length === 0) return;
    }
    const batch = projection.project(decoded, position, numRows, kept);
    if (batch.numRows === 0) return;
    subscriber.next({ task, batch, ...(kept === undefined ? { firstRowPosition: position } : keptRowPositions(position, undefined, kept)), ...applied });
  };
  if (columns.length === 0) {
    await countOnly(footer.row_groups.map((rg) => Number(rg.num_rows)), rowGroups, firstRows, deleted, ctx, signal, path, emit);
    return;
  }
  // Slices hold whole batches, so batch sizes do not depend on slicing.
  const sliceRows = Math.max(1, Math.floor((ctx.decodeRows ?? DEFAULT_DECODE_ROWS) / ctx.batchSize)) * ctx.batchSize;
  const slices = plannedSlices(footer, tail, rowGroups, columns, ctx, sliceRows);
  if (ctx.decode !== 'in-process') {
    // In a decode worker: a wasm panic on corrupt data fails this file, not the process. The
    // fetched chunks are handed over (transferred). The footer tail goes to a worker once; a row
    // group's dictionary pages are kept by the worker from the first slice (they are in its chunks)
    // for the later ones, and read again only for a worker that lacks them.
    const prepare = async ({ rowGroup: k, slice }: PlannedSlice): Promise<WorkerSlice> => {
      const regions = await fetchRegions(input, slice.reads, signal);
      const key = String(k);
      const dictionaries =
        slice.dictionaries.length === 0 ? {}
        : slice.offset === 0 ? { keep: { key, ranges: slice.dictionaries } }
        : { shared: { key, load: () => fetchRegions(input, slice.dictionaries, signal) } };
      const position = firstRows[k]! + slice.offset;
      const mask = deletionMask(deleted, position, slice.limit);
      const request = {
        path, fileSize: tail.fileSize, tail, regions, ...dictionaries,
        rowGroup: k, columns, batchSize: ctx.batchSize, slice: slice.partial ? slice : undefined, deleted: mask,
      };
      return { batches: decodeRowGroupIsolated(request, signal)[Symbol.asyncIterator](), position, deleted: mask };
    };
    try {
      await decodeInWorker(slices, prepare, subscriber, ctx, signal, path, emit);
    } finally {
      forgetIsolatedFile(path);
    }
    return;
  }
  const blob = new MemoryBlob(tail.fileSize, [{ start: tail.start, bytes: tail.bytes }]);
  let file: WasmParquetFile | undefined;
  let dictionaries: DictionaryCache | undefined;
  try {
    for (let current = slices.next(); !current.done; ) {
      const { rowGroup: k, slice } = current.value;
      await awaitPace(ctx.pace, signal, path);
      // No local keeps the fetched bytes: once decoding starts, the blob's reference is the only
      // one, and it is dropped after the first batch. (Reading the next slice during decoding was
      // measured: no gain on local files, ~one slice more memory.)
      dictionaries = await withDictionaries(input, slice, k, dictionaries, signal, (f, d) => blob.setChunks(slice.offset === 0 ? f : [...f, ...d]));
      if (subscriber.closed) return;
      file ??= await openWasmParquetFile(blob);
      const reader = await streamRowGroup(file, k, columns, ctx.batchSize, slice.partial ? slice : undefined);
      await decodeSlice(reader, blob, firstRows[k]! + slice.offset, deleted, signal, subscriber, state, ctx, emit, path);
      checkMisses(blob, tail, path);
      if (subscriber.closed) return;
      current = slices.next();
    }
  } finally {
    blob.setChunks([]);
    file?.free();
  }
}

/** Hands on the rows `[position, position + numRows)` of the file, or only `kept` of them (offsets). */
type Emit = (decoded: RecordBatch | undefined, position: number, numRows: number, kept?: Int32Array) => void;

/** A slice handed to the decode worker: its batches, the file position of its first row, its dropped rows. */
interface WorkerSlice {
  readonly batches: AsyncIterator<RecordBatch>;
  readonly position: number;
  /** Rows of the slice the worker drops (1), when any (see `IsolatedDecodeRequest.deleted`). */
  readonly deleted: Uint8Array | undefined;
}

/**
 * Emits the worker-decoded batches of every slice in order, with one slice in flight ahead: once
 * the first batch of slice k has arrived, slice k+1 is fetched and handed to the worker, so the
 * worker decodes it while this thread converts and emits k (one slice more memory, no idle
 * worker). Unsubscribing or an error cancels both.
 */
async function decodeInWorker(
  slices: Generator<PlannedSlice, void, undefined>,
  prepare: (planned: PlannedSlice) => Promise<WorkerSlice>,
  subscriber: Subscriber<FileBatch>,
  ctx: ReadDataFileContext,
  signal: AbortSignal,
  path: string,
  emit: Emit,
): Promise<void> {
  const startNext = async (): Promise<WorkerSlice | undefined> => {
    const next = slices.next();
    if (next.done || subscriber.closed) return undefined;
    return prepare(next.value);
  };
  await awaitPace(ctx.pace, signal, path);
  let current = await startNext();
  let ahead: Promise<WorkerSlice | undefined> | undefined;
  try {
    while (current !== undefined && !subscriber.closed) {
      const { position: first, deleted } = current;
      let position = first;
      for (let r = await current.batches.next(); !r.done && !subscriber.closed; r = await current.batches.next()) {
        if (deleted === undefined) {
          emit(r.value, position, r.value.numRows);
          position += r.value.numRows;
        } else {
          // batch j covers the slice rows [j * batchSize, (j + 1) * batchSize), kept ones only
          const rows = Math.min(ctx.batchSize, deleted.length - (position - first));
          const kept = keptOffsets(deleted, position - first, rows);
          if (r.value.numRows !== (kept?.length ?? rows)) {
            throw new IcebergScanError('data_invalid', `decode worker sent ${r.value.numRows} rows for slice rows at ${position}`, {
              path, expected: `${kept?.length ?? rows} kept rows`,
            });
          }
          emit(r.value, position, rows, kept);
          position += rows;
        }
        ahead ??= startNext();
        await awaitPace(ctx.pace, signal, path);
      }
      if (subscriber.closed) return;
      const next = ahead ?? startNext();
      ahead = undefined;
      current = await next;
    }
  } finally {
    void current?.batches.return?.();
    if (ahead !== undefined) void ahead.then((a) => a?.batches.return?.(), () => undefined);
  }
}

/** The dictionary pages of one row group's projected chunks, kept for its later slices. */
interface DictionaryCache {
  readonly rowGroup: number;
  readonly regions: readonly ByteRegion[];
}

/**
 * Awaits a slice's reads and hands them to `blob` together with the dictionary pages the slice
 * needs: copied out of the fetched bytes on a row group's first slice, reused from `cache` on the
 * later ones (read again only if the cache is of another row group). Returns the cache to keep.
 */
async function withDictionaries(
  input: InputFile,
  slice: RowGroupSlice,
  rowGroup: number,
  cache: DictionaryCache | undefined,
  signal: AbortSignal,
  use: (fetched: ByteRegion[], dictionaries: readonly ByteRegion[]) => void,
): Promise<DictionaryCache> {
  const fetched = await fetchRegions(input, slice.reads, signal);
  let kept: DictionaryCache;
  if (slice.dictionaries.length === 0) kept = { rowGroup, regions: [] };
  else if (slice.offset !== 0 && cache?.rowGroup === rowGroup) kept = cache;
  else if (slice.offset !== 0) kept = { rowGroup, regions: await fetchRegions(input, slice.dictionaries, signal) };
  else {
    kept = {
      rowGroup,
      regions: slice.dictionaries.map((d) => {
        const from = fetched.find((r) => r.start <= d.start && d.end <= r.start + r.bytes.byteLength)!;
        return { start: d.start, bytes: from.bytes.slice(d.start - from.start, d.end - from.start) };
      }),
    };
  }
  use(fetched, kept.regions);
  return kept;
}

/** One slice of one row group, in read order. */
interface PlannedSlice {
  readonly rowGroup: number;
  readonly slice: RowGroupSlice;
}

/**
 * The slices of the kept row groups, planned lazily (a row group's page index is parsed when its
 * first slice is due). Counts `stats.rowGroupsRead` as each row group starts.
 */
function* plannedSlices(
  footer: FileMetaData,
  tail: ParquetTail,
  rowGroups: readonly number[],
  columns: readonly string[],
  ctx: ReadDataFileContext,
  sliceRows: number,
): Generator<PlannedSlice, void, undefined> {
  let first = true;
  for (const k of rowGroups) {
    ctx.stats.rowGroupsRead += 1;
    // The file's first slice is one batch: the first batch then waits for one batch of decoding.
    for (const slice of planRowGroupSlices(footer, tail, k, columns, sliceRows, first ? ctx.batchSize : sliceRows)) {
      yield { rowGroup: k, slice };
      first = false;
    }
  }
}

async function decodeSlice(
  reader: WasmBatchReader,
  blob: MemoryBlob,
  firstRow: number,
  deleted: DeletedRows | undefined,
  signal: AbortSignal,
  subscriber: Subscriber<FileBatch>,
  state: ReadState,
  ctx: ReadDataFileContext,
  emit: Emit,
  path: string,
): Promise<void> {
  state.reader = reader;
  let position = firstRow;
  let done = false;
  try {
    while (!subscriber.closed) {
      const r = await reader.read();
      // parquet-wasm fetches the whole slice before its first batch: drop the JS copies now.
      blob.setChunks([]);
      if (r.done) {
        done = true;
        return;
      }
      if (subscriber.closed) {
        freeWasmBatch(r.value);
        return;
      }
      const rows = r.value.numRows;
      const kept = keptRowsOf(deleted, position, rows);
      // a batch whose rows are all deleted is not converted at all
      if (kept?.length === 0) freeWasmBatch(r.value);
      emit(kept?.length === 0 ? undefined : toArrowBatch(r.value, kept), position, rows, kept);
      position += rows;
      await awaitPace(ctx.pace, signal, path);
    }
  } finally {
    state.reader = undefined;
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

async function countOnly(
  rowCounts: readonly number[],
  rowGroups: readonly number[],
  firstRows: readonly number[],
  deleted: DeletedRows | undefined,
  ctx: ReadDataFileContext,
  signal: AbortSignal,
  path: string,
  emit: Emit,
): Promise<void> {
  for (const k of rowGroups) {
    ctx.stats.rowGroupsRead += 1;
    const n = rowCounts[k]!;
    for (let offset = 0; offset < n; offset += ctx.batchSize) {
      await awaitPace(ctx.pace, signal, path);
      const position = firstRows[k]! + offset;
      const rows = Math.min(ctx.batchSize, n - offset);
      emit(undefined, position, rows, keptRowsOf(deleted, position, rows));
    }
  }
}

function checkMisses(blob: MemoryBlob, tail: ParquetTail, path: string): void {
  const miss = blob.misses[0];
  if (miss === undefined) return;
  throw new IcebergScanError('data_invalid', `decoder asked for bytes [${miss[0]}, ${miss[1]}) outside the planned ranges`, {
    path,
    expected: 'column chunks within the ranges given by the footer',
    context: { fileSize: tail.fileSize },
  });
}


