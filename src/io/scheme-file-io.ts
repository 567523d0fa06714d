/**
 * The default `FileIO`: picks local files, S3 or HTTP(S) by each location's scheme, so that a
 * table's metadata and its data and delete files are each read through the FileIO of their own
 * scheme. The S3 and HTTP FileIOs are created on first use.
 */
import { readdir } from 'node:fs/promises';
import { IcebergScanError } from '../errors.ts';
import { HttpFileIO, type HttpFileIOOptions } from './http-file-io.ts';
import type { FileIO, InputFile } from './input-file.ts';
import { LocalFileIO, toLocalPath } from './local-file-io.ts';
import { S3FileIO, type S3FileIOOptions } from './s3-file-io.ts';
import { S3_SCHEMES } from './s3-properties.ts';
import type { ListableFileIO } from './table-file-io.ts';

/** Options of {@link SchemeFileIO}. */
export interface SchemeFileIOOptions {
  /**
   * FileIO properties with PyIceberg's names: `s3.*` configure S3 (see `s3ClientSettings`);
   * `header.<name>` adds a header to every HTTP(S) request (e.g. `header.Authorization`).
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** Attempts per remote request, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Milliseconds without a byte before a remote response is retried (default 30 000). */
  readonly stallTimeoutMs?: number;
  /**
   * Remote requests in flight at once, per scheme (S3, HTTP), across the scans sharing this FileIO
   * (default 16, `DEFAULT_MAX_REQUESTS`). Local reads are not limited.
   */
  readonly maxRequests?: number;
  /** Remote ranges longer than this many bytes are fetched as parallel parts (default 8 MiB, `DEFAULT_PART_BYTES`). */
  readonly partBytes?: number;
  /** Further S3 options (a ready client, backoff). */
  readonly s3?: Omit<S3FileIOOptions, 'properties'>;
  /** Further HTTP options (headers, backoff, whole-body cache bound). */
  readonly http?: HttpFileIOOptions;
}

/** The scheme of a location, lower-cased; `file` for plain paths. */
export function schemeOf(location: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(location);
  return m ? m[1]!.toLowerCase() : 'file';
}

/** Routes each location to local files, S3 or HTTP(S) by its scheme. */
export class SchemeFileIO implements ListableFileIO {
  private readonly local = new LocalFileIO();
  private s3: S3FileIO | undefined;
  private http: HttpFileIO | undefined;

  constructor(private readonly options: SchemeFileIOOptions = {}) {}

  newInputFile(location: string): InputFile {
    return this.forLocation(location).newInputFile(location);
  }

  /**
   * Names directly under a folder: S3 through `ListObjectsV2`, local folders through the file
   * system; HTTP cannot list (`feature_unsupported`: pass a metadata file location).
   *
   * @param prefix A folder location.
   * @param signal Aborts the listing.
   */
  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const io = this.forLocation(prefix);
    if (io instanceof S3FileIO) return io.list(prefix, signal);
    if (io === this.local) {
      try {
        return await readdir(toLocalPath(prefix));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new IcebergScanError(code === 'ENOENT' || code === 'ENOTDIR' ? 'not_found' : 'io_failed', 'cannot list folder', { path: prefix, cause: error });
      }
    }
    throw new IcebergScanError('feature_unsupported', 'HTTP cannot list folders; pass the location of a metadata file', {
      path: prefix,
      expected: 'an http(s):// location of a *.metadata.json file',
    });
  }

  /** Closes the S3 client's connections, when one was created. */
  destroy(): void {
    this.s3?.destroy();
  }

  private forLocation(location: string): FileIO {
    const scheme = schemeOf(location);
    if (scheme === 'file') return this.local;
    if (S3_SCHEMES.has(scheme)) {
      this.s3 ??= new S3FileIO({ ...this.common(), ...this.options.s3, ...(this.options.properties !== undefined ? { properties: this.options.properties } : {}) });
      return this.s3;
    }
    if (scheme === 'http' || scheme === 'https') {
      this.http ??= new HttpFileIO({ ...this.common(), headers: this.headers(), ...this.options.http });
      return this.http;
    }
    throw new IcebergScanError('feature_unsupported', `no FileIO for scheme ${scheme}://`, {
      path: location,
      expected: 'a local path, file:, s3://, s3a://, s3n://, http:// or https:// location (or a locationMap entry onto one)',
    });
  }

  private common(): { maxAttempts?: number; stallTimeoutMs?: number; maxRequests?: number; partBytes?: number } {
    return {
      ...(this.options.maxRequests !== undefined ? { maxRequests: this.options.maxRequests } : {}),
      ...(this.options.partBytes !== undefined ? { partBytes: this.options.partBytes } : {}),
      ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
      ...(this.options.stallTimeoutMs !== undefined ? { stallTimeoutMs: this.options.stallTimeoutMs } : {}),
    };
  }

  private headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.options.properties ?? {})) if (k.startsWith('header.')) out[k.slice('header.'.length)] = v;
    return out;
  }
}
