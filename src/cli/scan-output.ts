/**
 * The writers behind `scan --format`: NDJSON, CSV, aligned table text and an Arrow IPC stream,
 * each taking batches and writing to an `OutputSink` with backpressure.
 */
import { RecordBatchStreamWriter, Table, type RecordBatch, type Schema } from 'apache-arrow';
import { createCsvFormatter } from '../format/csv.ts';
import { createNdjsonFormatter } from '../format/ndjson.ts';
import { createTableFormatter } from '../format/table-text.ts';
import type { OutputSink } from './output-sink.ts';
import type { OutputFormat } from './parse-command-line.ts';

/** Writes the batches of one scan. */
export interface BatchWriter {
  write(batch: RecordBatch): Promise<void>;
  /** Finishes the output; `schema` is used when no batch came (CSV header, empty IPC stream). */
  close(schema: Schema | undefined): Promise<void>;
}

/** Rows formatted per chunk written, so that a huge batch does not become one huge string. */
const ROWS_PER_CHUNK = 16_384;

function chunked(batch: RecordBatch, each: (part: RecordBatch) => string, sink: OutputSink): Promise<void> {
  return (async () => {
    for (let start = 0; start < batch.numRows && !sink.closed; start += ROWS_PER_CHUNK) {
      const part = start === 0 && batch.numRows <= ROWS_PER_CHUNK ? batch : batch.slice(start, start + ROWS_PER_CHUNK);
      await sink.write(each(part));
    }
  })();
}

function textWriter(sink: OutputSink, make: (schema: Schema) => { header?: () => string; format: (b: RecordBatch) => string }, headerFirst: boolean): BatchWriter {
  let formatter: ReturnType<typeof make> | undefined;
  return {
    async write(batch) {
      if (formatter === undefined) {
        formatter = make(batch.schema);
        if (headerFirst && formatter.header) await sink.write(formatter.header());
      }
      const f = formatter;
      await chunked(batch, (part) => f.format(part), sink);
    },
    async close(schema) {
      if (formatter === undefined && schema !== undefined) {
        const f = make(schema);
        if (f.header) await sink.write(f.header());
      }
      await sink.end();
    },
  };
}

/** The IPC stream bytes of one batch: schema message + (dictionaries +) batch message + end marker. */
function ipcStreamOf(batch: RecordBatch): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/** Byte length of the first (schema) message of an IPC stream: 8-byte prefix + metadata. */
function schemaMessageLength(ipc: Uint8Array): number {
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  return 8 + view.getInt32(4, true);
}

const END_OF_STREAM = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Arrow IPC stream output. Each batch is serialised on its own (a one-batch stream, whose schema
 * message and end marker are cut off after the first), so output bytes leave as soon as a batch
 * is ready and stdout backpressure applies per batch.
 */
function arrowWriter(sink: OutputSink): BatchWriter {
  let started = false;
  return {
    async write(batch) {
      if (sink.closed) return;
      const ipc = ipcStreamOf(batch);
      const from = started ? schemaMessageLength(ipc) : 0;
      started = true;
      await sink.write(ipc.subarray(from, ipc.length - END_OF_STREAM.length));
    },
    async close(schema) {
      if (sink.closed) return;
      if (!started && schema !== undefined) {
        // An empty scan still writes its schema: the IPC stream of zero batches.
        await sink.write(RecordBatchStreamWriter.writeAll(new Table(schema)).toUint8Array(true));
      } else if (started) {
        await sink.write(END_OF_STREAM);
      }
      await sink.end();
    },
  };
}

/** The writer of `format` over `sink`. */
export function createBatchWriter(format: OutputFormat, sink: OutputSink, columns = 40): BatchWriter {
  switch (format) {
    case 'ndjson':
      return textWriter(sink, (schema) => ({ format: createNdjsonFormatter(schema) }), false);
    case 'csv':
      return textWriter(sink, (schema) => createCsvFormatter(schema), true);
    case 'table':
      return textWriter(sink, (schema) => {
        const t = createTableFormatter(schema, { maxColumnWidth: columns });
        return { header: () => t.header(), format: (b) => t.format(b) };
      }, false);
    case 'arrow':
      return arrowWriter(sink);
  }
}
