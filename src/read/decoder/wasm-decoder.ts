/**
 * One instance of the decoder module, behind a typed, synchronous API over its raw exports: open a
 * file from its tail bytes, open one row group over its projected column chunks' bytes, decode it
 * batch by batch into apache-arrow (copied out of wasm memory by arrow-js-ffi), close. The only
 * module that touches the decoder's exports and memory.
 */
import { parseRecordBatch } from 'arrow-js-ffi';
import type { RecordBatch } from 'apache-arrow';

/** Bytes of the file `[start, start + bytes.byteLength)`. */
export interface ByteRegion {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/**
 * A decoder call failed. `trapped`: the module trapped (a panic in arrow-rs on corrupt data, or
 * memory that cannot grow) and the instance is unusable; otherwise the decoder reported bad input.
 */
export class DecoderError extends Error {
  constructor(
    message: string,
    readonly trapped: boolean,
  ) {
    super(message);
    this.name = 'DecoderError';
  }
}

/** The decoder's exports (see `decoder/src/lib.rs`): pointers and lengths are u32, offsets f64. */
interface Exports {
  readonly memory: WebAssembly.Memory;
  alloc(len: number): number;
  dealloc(ptr: number, len: number): void;
  error_ptr(): number;
  error_len(): number;
  file_open(ptr: number, len: number, tailStart: number, fileSize: number): number;
  file_close(file: number): void;
  rg_open(
    file: number, rowGroup: number, leaves: number, nLeaves: number, regions: number, nRegions: number,
    selection: number, nSelection: number, batchSize: number,
  ): number;
  rg_next(reader: number): number;
  rg_array(reader: number): number;
  rg_schema(reader: number): number;
  rg_close(reader: number): void;
}

/** Size of the decoder's `Region` struct: `{ start: f64, ptr: u32, len: u32 }`. */
const REGION_BYTES = 16;

/** A file opened in a {@link WasmDecoder} (its footer parsed there). Close it when done. */
export interface DecoderFile {
  readonly handle: number;
  close(): void;
}

/** One row group being decoded. `next()` until it returns undefined; `close()` frees it at once. */
export interface DecoderRowGroup {
  /** The next batch, copied into apache-arrow memory, or undefined at the end. */
  next(): RecordBatch | undefined;
  close(): void;
}

/** What {@link WasmDecoder.openRowGroup} decodes. */
export interface RowGroupRequest {
  readonly rowGroup: number;
  /** Leaf column indices (Parquet column order) to decode. */
  readonly leaves: Uint32Array;
  /** The bytes of the projected column chunks; copied into wasm memory. */
  readonly regions: readonly ByteRegion[];
  /** Run lengths select, skip, select, … summing to the row group's rows; absent: every row. */
  readonly selection?: Uint32Array | undefined;
  /** Most rows per batch. */
  readonly batchSize: number;
}

/** One decoder instance. Single-threaded and synchronous; after a trap every call throws. */
export class WasmDecoder {
  private readonly x: Exports;
  private trap: DecoderError | undefined;

  /**
   * Instantiates the module (it needs no imports).
   *
   * @param module The compiled decoder module (see `decoderModule`).
   */
  constructor(module: WebAssembly.Module) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  }

  /** The instance trapped and must be replaced. */
  get broken(): boolean {
    return this.trap !== undefined;
  }

  /** Current size of the instance's linear memory (it never shrinks). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /**
   * Parses a file's footer (and page indexes when the tail holds them).
   *
   * @param tail File bytes `[tailStart, fileSize)`.
   * @throws DecoderError
   */
  openFile(tail: Uint8Array, tailStart: number, fileSize: number): DecoderFile {
    const handle = this.call(() => {
      const ptr = this.copyIn(tail);
      return this.x.file_open(ptr, tail.byteLength, tailStart, fileSize);
    });
    if (handle === 0) throw this.reported();
    let open = true;
    return {
      handle,
      close: () => {
        if (open && !this.broken) this.call(() => this.x.file_close(handle));
        open = false;
      },
    };
  }

  /**
   * Opens one row group over its column chunks' bytes.
   *
   * @throws DecoderError
   */
  openRowGroup(file: DecoderFile, request: RowGroupRequest): DecoderRowGroup {
    const x = this.x;
    const reader = this.call(() => {
      const leaves = this.copyIn(new Uint8Array(request.leaves.buffer, request.leaves.byteOffset, request.leaves.byteLength));
      const selection = request.selection === undefined || request.selection.length === 0 ? undefined : request.selection;
      const runs = selection === undefined ? 0 : this.copyIn(new Uint8Array(selection.buffer, selection.byteOffset, selection.byteLength));
      const n = request.regions.length;
      const table = this.alloc(n * REGION_BYTES);
      // Region bytes first, then their descriptors (allocations can grow memory and move the view).
      const pointers = request.regions.map((r) => this.copyIn(r.bytes));
      const view = new DataView(x.memory.buffer, table, n * REGION_BYTES);
      request.regions.forEach((r, i) => {
        view.setFloat64(i * REGION_BYTES, r.start, true);
        view.setUint32(i * REGION_BYTES + 8, pointers[i]!, true);
        view.setUint32(i * REGION_BYTES + 12, r.bytes.byteLength, true);
      });
      try {
        return x.rg_open(
          file.handle, request.rowGroup, leaves, request.leaves.length, table, n, runs, selection?.length ?? 0, request.batchSize,
        );
      } finally {
        x.dealloc(leaves, request.leaves.byteLength);
        if (selection !== undefined) x.dealloc(runs, selection.byteLength);
        x.dealloc(table, n * REGION_BYTES);
      }
    });
    if (reader === 0) throw this.reported();
    let open = true;
    const close = (): void => {
      if (open && !this.broken) this.call(() => x.rg_close(reader));
      open = false;
    };
    return {
      next: () => {
        if (!open) return undefined;
        const rc = this.call(() => x.rg_next(reader));
        if (rc === 0) return undefined;
        if (rc < 0) throw this.reported();
        return this.call(() => parseRecordBatch(x.memory.buffer, x.rg_array(reader), x.rg_schema(reader), true));
      },
      close,
    };
  }

  /** Runs `f` against the instance; any exception from inside wasm marks it broken. */
  private call<T>(f: () => T): T {
    if (this.trap !== undefined) throw this.trap;
    try {
      return f();
    } catch (error) {
      if (error instanceof DecoderError) throw error;
      this.trap = new DecoderError(`decoder trapped: ${(error as Error)?.message ?? error}`, true);
      throw this.trap;
    }
  }

  private alloc(len: number): number {
    const ptr = this.x.alloc(len);
    // Memory that cannot grow leaves earlier allocations of the call behind: replace the instance.
    if (ptr === 0) throw (this.trap = new DecoderError(`decoder cannot allocate ${len} bytes`, true));
    return ptr;
  }

  /** Copies `bytes` into fresh wasm memory; returns the address. */
  private copyIn(bytes: Uint8Array): number {
    const ptr = this.alloc(bytes.byteLength);
    new Uint8Array(this.x.memory.buffer, ptr, bytes.byteLength).set(bytes);
    return ptr;
  }

  /** The error the decoder reported for its last failed call. */
  private reported(): DecoderError {
    const x = this.x;
    const message = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.error_ptr(), x.error_len()));
    return new DecoderError(message || 'decoder failed without a message', false);
  }
}
