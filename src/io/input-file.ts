/**
 * The I/O seam: every byte iceberg-rx reads goes through an `InputFile` obtained from a `FileIO`,
 * so local files, S3 and HTTP are interchangeable.
 */

/** A readable file: its length and ranged reads. */
export interface InputFile {
  /** The location this file was opened with (after location resolution). */
  readonly location: string;
  /** Length of the file in bytes. */
  length(signal?: AbortSignal): Promise<number>;
  /**
   * Reads bytes `[start, end)` (end exclusive). Rejects with an `IcebergScanError` (`io_failed`,
   * or `aborted` when `signal` aborts). Never returns fewer bytes than asked unless past EOF,
   * which is an error.
   */
  read(start: number, end: number, signal?: AbortSignal, observer?: ReadObserver): Promise<Uint8Array>;
}

/**
 * What a read tells its caller about the requests behind it, so a scan can count them even when
 * several scans share one FileIO. Local files never call it.
 */
export interface ReadObserver {
  /** Called once per retried request: throttled, failed, reset, truncated or stalled, then sent again. */
  onRetry?(): void;
}

/** Opens files by location. Implementations: `LocalFileIO`, `S3FileIO`, `HttpFileIO`, and `SchemeFileIO` choosing among them by scheme. */
export interface FileIO {
  /** Opens `location`. Throws `path_refused` or `not_found` where appropriate. */
  newInputFile(location: string): InputFile;
}

/** Bytes and read calls of one file, as counted by {@link CountingFileIO}. */
export interface FileReadStats {
  bytes: number;
  reads: number;
}

/**
 * A `FileIO` decorator that counts bytes and read calls per file, and the retries behind them. Every
 * scan reads through one, and exposes its counters in the scan stats.
 */
export class CountingFileIO implements FileIO {
  readonly perFile = new Map<string, FileReadStats>();
  /** Hook called before each read starts (tests use it to assert no read starts after unsubscribe). */
  onRead?: (location: string, start: number, end: number) => void;

  constructor(private readonly inner: FileIO) {}

  newInputFile(location: string): InputFile {
    const file = this.inner.newInputFile(location);
    const stats = this.statsFor(location);
    return {
      location: file.location,
      length: (signal) => file.length(signal),
      read: async (start, end, signal) => {
        this.onRead?.(location, start, end);
        stats.reads += 1;
        this.totalReads += 1;
        const bytes = await file.read(start, end, signal, this.observer);
        stats.bytes += bytes.byteLength;
        this.totalBytes += bytes.byteLength;
        return bytes;
      },
    };
  }

  /** Total bytes read across all files. */
  totalBytes = 0;
  /** Total read calls across all files. */
  totalReads = 0;
  /** Requests the remote FileIOs retried for these reads (see {@link ReadObserver}). */
  totalRetries = 0;

  private readonly observer: ReadObserver = { onRetry: () => void (this.totalRetries += 1) };

  private statsFor(location: string): FileReadStats {
    let s = this.perFile.get(location);
    if (s === undefined) {
      s = { bytes: 0, reads: 0 };
      this.perFile.set(location, s);
    }
    return s;
  }
}
