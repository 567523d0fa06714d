/**
 * A `FileIO` serving some files from memory (read into memory once, up front) and every other
 * location from local files: benches that time decoding, not I/O, preload the data files.
 *
 * A read returns a fresh buffer holding exactly the bytes asked for (a copy, like
 * `LocalInputFile`'s reads), never a view of the whole file: the decode pool transfers a region's
 * buffer to its worker, and a view would drag (or clone) the whole file along with it.
 */
import { readFileSync } from 'node:fs';
import { IcebergScanError } from '../../src/errors.ts';
import type { FileIO, InputFile } from '../../src/io/input-file.ts';
import { LocalFileIO, toLocalPath } from '../../src/io/local-file-io.ts';

/** Local files, with the preloaded ones served from memory. */
export class MemoryFileIO implements FileIO {
  private readonly files = new Map<string, Uint8Array>();
  private readonly local = new LocalFileIO();

  /** Reads `paths` into memory; returns the bytes held. */
  preload(paths: readonly string[]): number {
    let bytes = 0;
    for (const path of paths) {
      const data = new Uint8Array(readFileSync(toLocalPath(path)));
      this.files.set(toLocalPath(path), data);
      bytes += data.byteLength;
    }
    return bytes;
  }

  /** A preloaded file's bytes (undefined when not preloaded). */
  bytesOf(path: string): Uint8Array | undefined {
    return this.files.get(toLocalPath(path));
  }

  newInputFile(location: string): InputFile {
    const data = this.files.get(toLocalPath(location));
    if (data === undefined) return this.local.newInputFile(location);
    return {
      location,
      length: async () => data.byteLength,
      read: async (start, end) => {
        if (!(start >= 0 && end >= start && end <= data.byteLength)) {
          throw new IcebergScanError('io_failed', `read [${start}, ${end}) past the end of ${data.byteLength} bytes`, { path: location });
        }
        return data.slice(start, end);
      },
    };
  }
}
