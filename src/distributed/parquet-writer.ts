/**
 * The Parquet writer module (`pw_*` exports of `decoder/src/writer.rs`, built as iceberg-rx-writer.wasm: arrow-rs's
 * `ArrowWriter`): Arrow IPC streams in, Parquet bytes out, drained after every write so the wasm
 * memory holds at most the row group being built. One instance per file, so a file's memory is
 * released with it and a trap spoils only that file.
 */
import { IcebergScanError } from '../errors.ts';
import { writerModule } from './writer-module.ts';

/** The writer's exports (see `decoder/src/lib.rs`). */
interface WriterExports {
  readonly memory: WebAssembly.Memory;
  alloc(len: number): number;
  error_ptr(): number;
  error_len(): number;
  pw_open(compression: number, rowGroupRows: number): number;
  pw_write(writer: number, ptr: number, len: number): number;
  pw_finish(writer: number): number;
  pw_output_ptr(writer: number): number;
  pw_output_len(writer: number): number;
  pw_clear(writer: number): void;
  pw_close(writer: number): void;
}

/** Parquet compression codecs the writer offers. */
export type ParquetCompression = 'zstd' | 'snappy' | 'none';

const CODES: Record<ParquetCompression, number> = { none: 0, snappy: 1, zstd: 2 };

/** Options of {@link openParquetWriter}. */
export interface ParquetWriterOptions {
  /** Default `zstd` (level 1). */
  readonly compression?: ParquetCompression;
  /** Most rows per row group (default arrow-rs's 1,048,576). */
  readonly rowGroupRows?: number;
}

/** An open Parquet writer. */
export interface ParquetWriter {
  /** Writes the batches of one IPC stream; returns the Parquet bytes produced (copied out). */
  write(ipcStream: Uint8Array): Uint8Array;
  /** Writes the footer; returns the last bytes of the file. */
  finish(): Uint8Array;
  /** Frees the instance (also after an error). */
  close(): void;
}

/** Opens a Parquet writer in a fresh instance of the writer module. */
export async function openParquetWriter(options: ParquetWriterOptions = {}): Promise<ParquetWriter> {
  const instance = new WebAssembly.Instance(await writerModule(), {});
  const x = instance.exports as unknown as WriterExports;
  if (typeof x.pw_open !== 'function') {
    throw new IcebergScanError('feature_unsupported', 'the writer module has no Parquet writer', { expected: 'decoder/iceberg-rx-writer.wasm built by decoder/build.sh (feature writer)' });
  }
  const fail = (what: string, cause?: unknown): IcebergScanError => {
    let message = cause instanceof Error ? cause.message : '';
    if (cause === undefined) message = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.error_ptr(), x.error_len()));
    return new IcebergScanError('data_invalid', `Parquet writer: ${what}: ${message}`, cause !== undefined ? { cause } : {});
  };
  const handle = x.pw_open(CODES[options.compression ?? 'zstd'], options.rowGroupRows ?? 0);
  if (handle === 0) throw fail('cannot open');
  let closed = false;
  const drain = (): Uint8Array => {
    const len = x.pw_output_len(handle);
    const out = new Uint8Array(len);
    out.set(new Uint8Array(x.memory.buffer, x.pw_output_ptr(handle), len));
    x.pw_clear(handle);
    return out;
  };
  const call = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (error) {
      closed = true; // a trap leaves the instance unusable
      throw error instanceof IcebergScanError ? error : fail(what, error);
    }
  };
  return {
    write(ipc) {
      return call('cannot write a batch', () => {
        const ptr = x.alloc(ipc.byteLength);
        if (ptr === 0 && ipc.byteLength > 0) throw fail('out of memory', new Error(`cannot allocate ${ipc.byteLength} bytes`));
        new Uint8Array(x.memory.buffer, ptr, ipc.byteLength).set(ipc);
        if (x.pw_write(handle, ptr, ipc.byteLength) !== 0) throw fail('cannot write a batch');
        return drain();
      });
    },
    finish() {
      return call('cannot finish the file', () => {
        if (x.pw_finish(handle) !== 0) throw fail('cannot finish the file');
        return drain();
      });
    },
    close() {
      if (closed) return;
      closed = true;
      x.pw_close(handle);
    },
  };
}
