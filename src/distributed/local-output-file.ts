/**
 * Local outputs: bytes go to a hidden temporary file next to the final one
 * (`.part-00003-….arrows.<pid>-<random>.tmp`), which is fsynced and renamed over the final name
 * on commit (a rename within one folder is atomic on POSIX file systems). Temporary files that an
 * earlier attempt of the same task left behind (a killed worker) are removed when the task starts
 * again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergScanError } from '../errors.ts';
import type { OutputFile } from './output-file.ts';

/** The prefix and suffix of `name`'s temporary files. */
export function temporaryNameParts(name: string): { readonly prefix: string; readonly suffix: string } {
  return { prefix: `.${name}.`, suffix: '.tmp' };
}

/** Opens a local output file `name` in folder `location` (created when missing). */
export async function openLocalOutputFile(location: string, name: string): Promise<OutputFile> {
  const dir = location.startsWith('file:') ? fileURLToPath(location) : location;
  const finalPath = join(dir, name);
  const { prefix, suffix } = temporaryNameParts(name);
  const tmpPath = join(dir, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}${suffix}`);
  try {
    await mkdir(dir, { recursive: true });
    for (const entry of await readdir(dir)) {
      if (entry.startsWith(prefix) && entry.endsWith(suffix)) await unlink(join(dir, entry)).catch(() => undefined);
    }
  } catch (error) {
    throw new IcebergScanError('io_failed', `cannot prepare the output folder: ${(error as Error).message}`, { path: dir, cause: error });
  }
  const handle = await open(tmpPath, 'wx').catch((error: unknown) => {
    throw new IcebergScanError('io_failed', `cannot create an output file: ${(error as Error).message}`, { path: tmpPath, cause: error });
  });
  let size = 0;
  let done = false;
  return {
    async write(bytes) {
      try {
        let offset = 0;
        while (offset < bytes.byteLength) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
          offset += bytesWritten;
        }
        size += bytes.byteLength;
      } catch (error) {
        throw new IcebergScanError('io_failed', `cannot write an output file: ${(error as Error).message}`, { path: tmpPath, cause: error });
      }
    },
    async commit() {
      done = true;
      try {
        await handle.sync();
        await handle.close();
        await rename(tmpPath, finalPath);
      } catch (error) {
        await unlink(tmpPath).catch(() => undefined);
        throw new IcebergScanError('io_failed', `cannot commit an output file: ${(error as Error).message}`, { path: finalPath, cause: error });
      }
      return { location: finalPath, bytes: size };
    },
    async abort() {
      if (done) return;
      done = true;
      await handle.close().catch(() => undefined);
      await unlink(tmpPath).catch(() => undefined);
    },
  };
}
