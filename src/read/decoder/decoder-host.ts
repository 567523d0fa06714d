/**
 * A decoder instance with what outlives one row group: the parsed footers of recently used files,
 * and its own replacement after a trap. One per thread that decodes (the calling thread when
 * `decodeWorkers` is 0, else each decode worker).
 */
import type { RecordBatch } from 'apache-arrow';
import { DecoderError, WasmDecoder, type ByteRegion, type DecoderFile } from './wasm-decoder.ts';

/** Parsed footers kept while no row group of theirs is open (most recently used first to stay). */
const KEPT_FILES = 16;

/** What {@link DecoderHost.open} decodes: one row group, or the part of its columns one job decodes. */
export interface HostedJob {
  /**
   * Identity of the file's footer: hosts keep a parsed footer under it across jobs
   * (see `fileKeyOf`).
   */
  readonly fileKey: string;
  readonly fileSize: number;
  /** The footer tail: file bytes `[tail.start, fileSize)` (copied; the caller keeps it). */
  readonly tail: ByteRegion;
  readonly rowGroup: number;
  /** Leaf column indices (Parquet column order) to decode. */
  readonly leaves: Uint32Array;
  /** The projected column chunks' bytes; given up by the caller (a worker gets them transferred). */
  readonly regions: readonly ByteRegion[];
  /** Run lengths select, skip, select, … over the row group's rows; absent: every row. */
  readonly selection?: Uint32Array | undefined;
  readonly batchSize: number;
}

/** An open row group of a host. */
export interface HostedRowGroup {
  /** The next batch, or undefined at the end. @throws DecoderError */
  next(): RecordBatch | undefined;
  /** Frees it (idempotent). */
  close(): void;
}

interface KeptFile {
  readonly file: DecoderFile;
  refs: number;
}

/** A decoder instance, its footer cache, and its replacement after a trap. */
export class DecoderHost {
  private decoder: WasmDecoder;
  /** Bumped when the instance is replaced: row groups of an older one are dead. */
  private generation = 0;
  private readonly files = new Map<string, KeptFile>();
  /** Instances replaced after a trap. */
  resets = 0;

  constructor(private readonly module: WebAssembly.Module) {
    this.decoder = new WasmDecoder(module);
  }

  /** Linear memory of the current instance. */
  get memoryBytes(): number {
    return this.decoder.memoryBytes;
  }

  /**
   * Opens one row group, parsing the file's footer unless it is kept.
   *
   * @throws DecoderError
   */
  open(job: HostedJob): HostedRowGroup {
    const generation = this.generation;
    const kept = this.guard(() => this.keptFile(job));
    kept.refs += 1;
    let rowGroup;
    try {
      rowGroup = this.guard(() => this.decoder.openRowGroup(kept.file, job));
    } catch (error) {
      this.release(kept, generation);
      throw error;
    }
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      if (generation !== this.generation) return;
      rowGroup.close();
      this.release(kept, generation);
    };
    return {
      next: () => {
        if (!open) return undefined;
        if (generation !== this.generation) {
          throw new DecoderError('the decoder was reset after a trap while decoding another file', false);
        }
        const batch = this.guard(() => rowGroup.next());
        if (batch === undefined) close();
        return batch;
      },
      close,
    };
  }

  /** Drops the kept footer of `fileKey` once no row group of it is open. */
  forget(fileKey: string): void {
    const kept = this.files.get(fileKey);
    if (kept === undefined || kept.refs > 0) return;
    this.files.delete(fileKey);
    kept.file.close();
  }

  private keptFile(job: HostedJob): KeptFile {
    let kept = this.files.get(job.fileKey);
    if (kept !== undefined) {
      this.files.delete(job.fileKey); // re-inserted as the most recent
    } else {
      kept = { file: this.decoder.openFile(job.tail.bytes, job.tail.start, job.fileSize), refs: 0 };
    }
    this.files.set(job.fileKey, kept);
    this.evict();
    return kept;
  }

  private release(kept: KeptFile, generation: number): void {
    if (generation !== this.generation) return;
    kept.refs -= 1;
    this.evict();
  }

  /** Closes the least recently used unreferenced footers beyond {@link KEPT_FILES}. */
  private evict(): void {
    let excess = this.files.size - KEPT_FILES;
    for (const [key, kept] of this.files) {
      if (excess <= 0) return;
      if (kept.refs > 0) continue;
      this.files.delete(key);
      kept.file.close();
      excess -= 1;
    }
  }

  /** Runs `f`; after a trap, replaces the instance (everything open in the old one is gone). */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (error) {
      if (error instanceof DecoderError && error.trapped) {
        this.generation += 1;
        this.resets += 1;
        this.files.clear();
        this.decoder = new WasmDecoder(this.module);
      }
      throw error;
    }
  }
}
