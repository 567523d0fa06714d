/**
 * How far a scan reads ahead of its consumer, across all its files: row groups whose column chunks
 * are fetched and not yet decoded are bounded in bytes, and while a `limit` is not met no row group
 * starts that the limit can no longer need. Row groups are granted in scan order; the earliest one
 * still being read (the one the consumer waits for) is never held back, so the scan always moves.
 */
import { abortedError } from '../errors.ts';

/**
 * Compressed bytes of fetched, not yet decoded row groups a scan holds at most: 64 MiB. Two row
 * groups of the common ~128 MB-of-rows / ~30 MB-compressed size, so two decode workers stay busy
 * while the next one is fetched; a row group larger than this is still read, one at a time.
 */
export const DEFAULT_READ_AHEAD_BYTES = 64 * 1024 * 1024;

/** A granted row group: call `decoded()` when its input bytes are freed, `finished()` when all its rows were emitted. */
export interface ReadAheadGrant {
  decoded(): void;
  finished(): void;
}

interface Request {
  readonly order: readonly [number, number];
  readonly bytes: number;
  readonly rows: number;
  readonly grant: () => void;
}

interface Active {
  readonly order: readonly [number, number];
  bytes: number;
}

/** The read-ahead bound of one scan (see the module comment). */
export class ReadAhead {
  private usedBytes = 0;
  private startedRows = 0;
  private droppedRows = 0;
  private readonly waiting: Request[] = [];
  private readonly active = new Set<Active>();
  /** Tasks (by index) whose reader may still ask for row groups. */
  private readonly openTasks = new Set<number>();

  /**
   * @param maxBytes Fetched, undecoded bytes held at most (beyond it only the earliest row group is read).
   * @param limit The scan's row limit, when it has one.
   */
  constructor(
    readonly maxBytes: number = DEFAULT_READ_AHEAD_BYTES,
    readonly limit?: number,
  ) {}

  /**
   * Waits until row group `order` = [task index, row group index] may be fetched.
   *
   * @param bytes Its projected compressed bytes.
   * @param rows The rows it will emit at most (after the deletes the reader skips).
   */
  acquire(order: readonly [number, number], bytes: number, rows: number, signal: AbortSignal): Promise<ReadAheadGrant> {
    return new Promise<ReadAheadGrant>((resolve, reject) => {
      if (signal.aborted) return reject(abortedError());
      const onAbort = (): void => {
        const i = this.waiting.indexOf(request);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortedError());
        this.pump();
      };
      const request: Request = {
        order,
        bytes,
        rows,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.granted(request));
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      let at = this.waiting.findIndex((w) => before(order, w.order));
      if (at < 0) at = this.waiting.length;
      this.waiting.splice(at, 0, request);
      this.pump();
    });
  }

  /**
   * Task `index` has started (its file is being opened) and may ask for row groups. Under a limit,
   * a later task's row groups wait while an earlier task is open: in scan order the limit is met
   * by the earlier task's rows first, so reading ahead into later files would be wasted.
   */
  openTask(index: number): void {
    this.openTasks.add(index);
  }

  /** Task `index` asks for no more row groups (its last one has been asked for, or it ended). */
  closeTask(index: number): void {
    if (this.openTasks.delete(index)) this.pump();
  }

  /** Rows the stages after the reader removed (filters, deletes): the limit may need more row groups. */
  dropped(rows: number): void {
    if (rows <= 0) return;
    this.droppedRows += rows;
    if (this.limit !== undefined) this.pump();
  }

  private granted(request: Request): ReadAheadGrant {
    const entry: Active = { order: request.order, bytes: request.bytes };
    this.active.add(entry);
    this.usedBytes += request.bytes;
    this.startedRows += request.rows;
    let decoded = false;
    let finished = false;
    return {
      decoded: () => {
        if (decoded) return;
        decoded = true;
        this.usedBytes -= entry.bytes;
        entry.bytes = 0;
        this.pump();
      },
      finished: () => {
        if (finished) return;
        finished = true;
        if (!decoded) {
          decoded = true;
          this.usedBytes -= entry.bytes;
        }
        this.active.delete(entry);
        this.pump();
      },
    };
  }

  /** Grants waiting requests in scan order while they fit. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (!this.fits(next)) return;
      this.waiting.shift();
      next.grant();
    }
  }

  private fits(request: Request): boolean {
    if (this.limit !== undefined) {
      for (const task of this.openTasks) if (task < request.order[0]) return false;
    }
    // The earliest row group still being read is what the consumer waits for: never hold it back.
    let earliest = true;
    for (const a of this.active) if (!before(request.order, a.order)) earliest = false;
    if (earliest) return true;
    if (this.usedBytes + request.bytes > this.maxBytes) return false;
    return this.limit === undefined || this.startedRows - this.droppedRows < this.limit;
  }
}

function before(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}
