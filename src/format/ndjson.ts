/**
 * NDJSON output: one JSON object per row, keys in schema order, values by the rules of
 * `jsonEncoderFor`. Formats a whole batch column by column.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { encodeColumnJson, jsonEncoderFor, type JsonEncoder } from './json-encoder.ts';

const ROWS_PER_RANGE = 1024;

/** Formats batches of one schema as NDJSON text (every line ends with `\n`). */
export type BatchFormatter = (batch: RecordBatch) => string;

/**
 * Builds an NDJSON formatter for batches of `schema`.
 *
 * @example
 * const toNdjson = createNdjsonFormatter(batch.schema);
 * process.stdout.write(toNdjson(batch)); // {"id":1,"name":"a"}\n...
 */
export function createNdjsonFormatter(schema: Schema): BatchFormatter {
  const fields = schema.fields;
  const encoders: JsonEncoder[] = fields.map((f) => jsonEncoderFor(f));
  const keys = fields.map((f, j) => `${j === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  return (batch) => {
    const rows = batch.numRows;
    if (fields.length === 0) return '{}\n'.repeat(rows);
    const children = batch.data.children;
    const chunks: string[] = [];
    // Small row ranges keep the short-lived value strings in the young generation (cheap GC).
    for (let start = 0; start < rows; start += ROWS_PER_RANGE) {
      const end = Math.min(rows, start + ROWS_PER_RANGE);
      const columns = encoders.map((encode, j) => encodeColumnJson(children[j], encode, start, end));
      const lines: string[] = new Array(end - start);
      for (let i = 0; i < end - start; i++) {
        let line = keys[0] + columns[0][i];
        for (let j = 1; j < columns.length; j++) line += keys[j] + columns[j][i];
        lines[i] = `${line}}\n`;
      }
      chunks.push(lines.join(''));
    }
    return chunks.length === 1 ? chunks[0] : chunks.join('');
  };
}
