/**
 * CSV output (RFC 4180): a header row of column names, then one record per row; fields holding a
 * comma, quote, CR or LF are quoted with quotes doubled; lines end with CRLF. A null is an empty
 * field and an empty string is `""`, so the two stay distinct. Nested values are JSON text.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { textEncoderFor } from './text-encoder.ts';

/** A CSV formatter: the header line once, then each batch's records. */
export interface CsvFormatter {
  /** The header record (column names) with its line end. */
  header(): string;
  /** The records of one batch, each ending with CRLF. */
  format(batch: RecordBatch): string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted when it must be, `""` for an empty string, nothing for null. */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Builds a CSV formatter for batches of `schema`. */
export function createCsvFormatter(schema: Schema): CsvFormatter {
  const encoders = schema.fields.map((f) => textEncoderFor(f));
  return {
    header: () => `${schema.fields.map((f) => csvField(f.name)).join(',')}\r\n`,
    format(batch) {
      const columns = batch.data.children;
      const lines: string[] = new Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        let line = '';
        for (let j = 0; j < encoders.length; j++) line += (j === 0 ? '' : ',') + csvField(encoders[j](columns[j], i));
        lines[i] = `${line}\r\n`;
      }
      return lines.join('');
    },
  };
}
