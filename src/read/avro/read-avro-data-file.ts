/**
 * The per-file reader of Avro data files: one Avro object container file (or byte split) → a cold,
 * cancellable Observable of `FileBatch`es, through the same projection as Parquet files.
 */
import type { Observable, Subscriber } from 'rxjs';
import avro from 'avsc';
import type { RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../../errors.ts';
import type { FileScanTask } from '../../task/file-scan-task.ts';
import type { FileBatch } from '../../task/file-batch.ts';
import { awaitPace, fileReadObservable, type ReadDataFileContext } from '../read-context.ts';
import { blockDecompressor } from './avro-codecs.ts';
import { recordBatchOf } from './avro-columns.ts';
import { AvroByteSource, avroBlocks, readAvroHeader } from './avro-container.ts';
import { avroFileMetadata } from './avro-file-metadata.ts';
import { BigIntLongType as BigLongType } from '../../metadata/avro-long.ts';
import { parseAvroSchemaTree, prunedReaderSchema } from './avro-schema-tree.ts';

/** Strings share the bytes encoding: decoding them as bytes skips a UTF-8 round trip (Arrow keeps bytes). */
const BytesType = avro.Type.forSchema('bytes');

function avscType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long: BigLongType, string: BytesType },
    typeHook: (s: unknown) => {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) return undefined;
      const t = (s as { type?: unknown }).type;
      return t === 'long' ? BigLongType : t === 'string' ? BytesType : undefined;
    },
    wrapUnions: false,
  } as never);
}

/**
 * Reads one Avro data file as `FileBatch`es in file order (same contract as `readDataFile`).
 * The header is read once; its writer schema (Iceberg `field-id`, `element-id`, `key-id`,
 * `value-id` properties) is described to `ctx.projection` as a Parquet-shaped footer, so columns
 * resolve by field id as for Parquet. Blocks are then fetched one by one with ranged reads, the
 * needed top-level fields decoded with avsc (others skipped by schema resolution) and turned into
 * Arrow columns of at most `batchSize` rows. `task.start`/`length` select the blocks whose
 * preceding sync marker starts in the split. `rowGroupFilter` does not apply (no statistics);
 * every block read counts as one row group in `stats.rowGroupsRead`.
 *
 * Cold; unsubscribing aborts in-flight reads and no read starts afterwards. Errors are
 * `IcebergScanError`s naming the file.
 *
 * @param task The Avro data file (or split) to read.
 * @param ctx FileIO, projection, stats, batch size and pacer.
 * @returns The file's batches, never empty ones.
 */
export function readAvroDataFile(task: FileScanTask, ctx: ReadDataFileContext): Observable<FileBatch> {
  return fileReadObservable(ctx, task.dataFile.path, 'Avro', (signal, subscriber) => readFile(task, ctx, signal, subscriber));
}

async function readFile(task: FileScanTask, ctx: ReadDataFileContext, signal: AbortSignal, subscriber: Subscriber<FileBatch>): Promise<void> {
  const path = task.dataFile.path;
  await awaitPace(ctx.pace, signal, path);
  const input = ctx.io.newInputFile(path);
  const source = new AvroByteSource(input, await input.length(signal), signal);
  const header = await readAvroHeader(source, path);
  if (subscriber.closed) return;
  const decompress = blockDecompressor(header.codec, path);
  const tree = parseAvroSchemaTree(header.schema, path);
  ctx.stats.files += 1;
  const projection = ctx.projection.forFile(task, avroFileMetadata(tree.fields, task.dataFile.recordCount));
  const needed = new Set(projection.columns.map((c) => c.split('.')[0]!));
  const kept = tree.fields.filter((f) => needed.has(f.name));
  const split = {
    ...(task.start !== undefined ? { start: task.start } : {}),
    ...(task.start !== undefined && task.length !== undefined ? { end: task.start + task.length } : {}),
    withData: kept.length > 0,
    beforeRead: () => awaitPace(ctx.pace, signal, path),
  };
  const emit = (decoded: RecordBatch | undefined, position: number, n: number): void => {
    if (n === 0 || subscriber.closed) return;
    const batch = projection.project(decoded, position, n);
    if (batch.numRows > 0) subscriber.next({ task, batch, firstRowPosition: position });
  };

  if (kept.length === 0) {
    for await (const block of avroBlocks(source, header, path, split)) {
      ctx.stats.rowGroupsRead += 1;
      for (let offset = 0; offset < block.count; offset += ctx.batchSize) {
        await awaitPace(ctx.pace, signal, path);
        if (subscriber.closed) return;
        emit(undefined, block.firstRow + offset, Math.min(ctx.batchSize, block.count - offset));
      }
    }
    return;
  }

  let writer: avro.Type;
  let reader: avro.Type;
  let resolver: ReturnType<avro.Type['createResolver']> | undefined;
  try {
    writer = avscType(header.schema);
    reader = kept.length === tree.fields.length ? writer : avscType(prunedReaderSchema(header.schema as Record<string, unknown>, needed));
    resolver = reader === writer ? undefined : reader.createResolver(writer);
  } catch (error) {
    throw new IcebergScanError('data_invalid', `avro data file: unusable writer schema (${(error as Error).message})`, { path, expected: 'a valid Avro schema', cause: error });
  }

  let pending: Record<string, unknown>[] = [];
  let pendingStart = 0;
  const flush = async (rows: number): Promise<void> => {
    await awaitPace(ctx.pace, signal, path);
    const records = pending.slice(0, rows);
    pending = pending.slice(rows);
    if (subscriber.closed) return;
    emit(recordBatchOf(kept, records), pendingStart, records.length);
    pendingStart += records.length;
  };
  for await (const block of avroBlocks(source, header, path, split)) {
    if (subscriber.closed) return;
    ctx.stats.rowGroupsRead += 1;
    if (pending.length === 0) pendingStart = block.firstRow;
    let bytes: Uint8Array;
    try {
      bytes = decompress(block.bytes);
    } catch (error) {
      throw new IcebergScanError('data_invalid', `avro data file: cannot decompress block at byte ${block.offset} (${header.codec})`, { path, expected: 'a valid compressed block', cause: error });
    }
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (let i = 0; i < block.count; i++) {
      let r: { value: unknown; offset: number };
      try {
        r = reader.decode(buf, offset, resolver);
      } catch (error) {
        throw new IcebergScanError('data_invalid', `avro data file: cannot decode record ${block.firstRow + i} (${(error as Error).message})`, { path, expected: 'records of the writer schema', cause: error });
      }
      if (r.offset < 0) {
        throw new IcebergScanError('data_invalid', `avro data file: record ${block.firstRow + i} runs past its block`, { path, expected: `${block.count} records in the block at byte ${block.offset}` });
      }
      pending.push(r.value as Record<string, unknown>);
      offset = r.offset;
    }
    while (pending.length >= ctx.batchSize) {
      await flush(ctx.batchSize);
      if (subscriber.closed) return;
    }
  }
  if (pending.length > 0) await flush(pending.length);
}

