/**
 * Aligned table text for terminals: column widths come from the header and the first rows seen,
 * later cells are cut to that width with `…` (numbers are never cut, only right-aligned), nulls
 * print as `null`.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { isNumericType, textEncoderFor } from './text-encoder.ts';

/** Options of {@link createTableFormatter}. */
export interface TableFormatterOptions {
  /** Widest a column may be, in characters. Default 40. */
  readonly maxColumnWidth?: number;
  /** Rows of the first batch used to size the columns. Default 200. */
  readonly sampleRows?: number;
}

/** A table formatter: call `format` per batch; the header is printed before the first rows. */
export interface TableFormatter {
  format(batch: RecordBatch): string;
  /** The header alone (for a scan that returned no rows). */
  header(): string;
}

function clean(text: string): string {
  return text.replace(/[\r\n\t]/g, ' ');
}

function fit(text: string, width: number, right: boolean): string {
  const chars = Array.from(text);
  if (right && chars.length >= width) return text; // numbers are never cut
  if (chars.length > width) return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
  const pad = ' '.repeat(width - chars.length);
  return right ? pad + text : text + pad;
}

/** Builds an aligned-table formatter for batches of `schema`. */
export function createTableFormatter(schema: Schema, options: TableFormatterOptions = {}): TableFormatter {
  const maxWidth = Math.max(4, options.maxColumnWidth ?? 40);
  const sampleRows = options.sampleRows ?? 200;
  const fields = schema.fields;
  const encoders = fields.map((f) => textEncoderFor(f));
  const right = fields.map((f) => isNumericType(f.type));
  let widths: number[] | undefined;
  const cell = (batch: RecordBatch, j: number, i: number): string => {
    const text = encoders[j](batch.data.children[j], i);
    return text === null ? 'null' : clean(text);
  };
  const headerText = (): string => {
    const w = widths ?? fields.map((f) => Math.min(maxWidth, Math.max(4, Array.from(f.name).length)));
    const names = fields.map((f, j) => fit(f.name, w[j], right[j])).join(' │ ');
    const rule = w.map((n) => '─'.repeat(n)).join('─┼─');
    return `${names}\n${rule}\n`;
  };
  return {
    header: headerText,
    format(batch) {
      let out = '';
      if (widths === undefined) {
        widths = fields.map((f) => Math.min(maxWidth, Math.max(4, Array.from(f.name).length)));
        const n = Math.min(sampleRows, batch.numRows);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < fields.length; j++) {
            const len = Array.from(cell(batch, j, i)).length;
            widths[j] = right[j] ? Math.max(widths[j], len) : Math.min(maxWidth, Math.max(widths[j], len));
          }
        }
        out += headerText();
      }
      const w = widths;
      for (let i = 0; i < batch.numRows; i++) {
        out += `${fields.map((_f, j) => fit(cell(batch, j, i), w[j], right[j])).join(' │ ')}\n`;
      }
      return out;
    },
  };
}
