/**
 * S3 behind the `InputFile` seam (`s3://`, `s3a://`, `s3n://`): ranged `GetObject` through the AWS
 * SDK v3, `HeadObject` for lengths not known from the manifest, `ListObjectsV2` for table folders.
 */
import {
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client,
  type GetObjectCommandOutput, type HeadObjectCommandOutput, type ListObjectsV2CommandOutput, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { IcebergScanError, abortedError, isIcebergScanError } from '../errors.ts';
import type { FileIO, InputFile, ReadObserver } from './input-file.ts';
import { DEFAULT_PART_BYTES, readInParts } from './read-in-parts.ts';
import { DEFAULT_MAX_REQUESTS, RequestLimiter } from './request-limiter.ts';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_STALL_TIMEOUT_MS, TransientReadError, ioFailed, readBody, withRetries, type ResponseBody } from './read-body.ts';
import { parseS3Location, s3ClientSettings, secondsProperty, type S3Object } from './s3-properties.ts';

/** Options of {@link S3FileIO}. */
export interface S3FileIOOptions {
  /** PyIceberg-named properties (`s3.endpoint`, `s3.region`, `s3.access-key-id`, ...; see `s3ClientSettings`). */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * Attempts per request, the first included (default {@link DEFAULT_MAX_ATTEMPTS}, or the SDK's
   * `AWS_MAX_ATTEMPTS`). The SDK's standard retry strategy retries throttling (503 SlowDown), 5xx
   * and connection faults before a response; faults in the body (truncated, reset, stalled) are
   * retried here, within the same budget.
   */
  readonly maxAttempts?: number;
  /**
   * Milliseconds without a byte before a response counts as stalled and is retried (default
   * property `s3.request-timeout` in seconds, else {@link DEFAULT_STALL_TIMEOUT_MS}).
   */
  readonly stallTimeoutMs?: number;
  /** First retry backoff of body faults in milliseconds (default 100). */
  readonly retryBaseDelayMs?: number;
  /**
   * Requests in flight at once across every file of this FileIO, so across the scans sharing it
   * (default {@link DEFAULT_MAX_REQUESTS}).
   */
  readonly maxRequests?: number;
  /** Ranges longer than this many bytes are fetched as parallel parts (default {@link DEFAULT_PART_BYTES}). */
  readonly partBytes?: number;
  /** A ready client (then `properties` and `maxAttempts` do not configure it). */
  readonly client?: S3Client;
}

interface S3Settings {
  readonly client: S3Client;
  readonly maxAttempts: number;
  readonly stallTimeoutMs: number;
  readonly retryBaseDelayMs: number;
  readonly limiter: RequestLimiter;
  readonly partBytes: number;
}

/** A `FileIO` for S3 and S3-compatible stores. One client (and connection pool) per instance. */
export class S3FileIO implements FileIO {
  private readonly settings: S3Settings;

  constructor(options: S3FileIOOptions = {}) {
    const properties = options.properties ?? {};
    const stallTimeoutMs = options.stallTimeoutMs ?? secondsProperty(properties, 's3.request-timeout') ?? DEFAULT_STALL_TIMEOUT_MS;
    const envAttempts = Number(process.env.AWS_MAX_ATTEMPTS);
    const maxAttempts = options.maxAttempts ?? (Number.isSafeInteger(envAttempts) && envAttempts > 0 ? envAttempts : DEFAULT_MAX_ATTEMPTS);
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      throw new IcebergScanError('invalid_argument', `maxAttempts must be a positive integer, got ${maxAttempts}`);
    }
    const connectTimeout = secondsProperty(properties, 's3.connect-timeout');
    const config: S3ClientConfig = {
      ...s3ClientSettings(properties),
      maxAttempts,
      retryMode: 'standard',
      // Ranged reads carry no whole-object checksum; lengths are checked instead.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { socketTimeout: stallTimeoutMs, ...(connectTimeout !== undefined ? { connectionTimeout: connectTimeout } : {}) },
    };
    this.settings = {
      client: options.client ?? new S3Client(config),
      maxAttempts,
      stallTimeoutMs,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 100,
      limiter: new RequestLimiter(options.maxRequests ?? DEFAULT_MAX_REQUESTS),
      partBytes: positiveInteger(options.partBytes ?? DEFAULT_PART_BYTES, 'partBytes'),
    };
  }

  newInputFile(location: string): InputFile {
    return new S3InputFile(location, parseS3Location(location), this.settings);
  }

  /**
   * Names directly under the folder `prefix` (one `ListObjectsV2` page walk with `/` as delimiter).
   *
   * @param prefix An `s3://bucket/folder` location.
   * @param signal Aborts the listing.
   */
  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const { bucket, key } = parseS3Location(prefix);
    const folder = key === '' || key.endsWith('/') ? key : `${key}/`;
    const names: string[] = [];
    let token: string | undefined;
    do {
      const command = () => new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token });
      const page = await this.settings.limiter.run(() => send<ListObjectsV2CommandOutput>(this.settings, prefix, command, signal, 'ListObjectsV2'), signal);
      for (const o of page.Contents ?? []) if (o.Key !== undefined && o.Key !== folder) names.push(o.Key.slice(folder.length));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) names.push(p.Prefix.slice(folder.length).replace(/\/$/, ''));
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.settings.client.destroy();
  }
}

/** One S3 object. */
class S3InputFile implements InputFile {
  private size: Promise<number> | undefined;

  constructor(
    readonly location: string,
    private readonly object: S3Object,
    private readonly settings: S3Settings,
  ) {}

  length(signal?: AbortSignal): Promise<number> {
    if (this.size === undefined) {
      const { bucket, key } = this.object;
      const command = () => new HeadObjectCommand({ Bucket: bucket, Key: key });
      const head = this.settings.limiter.run(() => send<HeadObjectCommandOutput>(this.settings, this.location, command, signal, 'HeadObject'), signal).then((r) => {
        if (r.ContentLength === undefined) throw ioFailed(this.location, 's3 HeadObject: no Content-Length', { bucket, key });
        return r.ContentLength;
      });
      this.size = head;
      head.catch(() => {
        if (this.size === head) this.size = undefined;
      });
    }
    return this.size;
  }

  async read(start: number, end: number, signal?: AbortSignal, observer?: ReadObserver): Promise<Uint8Array> {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start)) {
      throw new IcebergScanError('invalid_argument', `bad byte range [${start}, ${end})`, { path: this.location });
    }
    if (signal?.aborted) throw abortedError(this.location);
    if (end === start) return new Uint8Array(0);
    return readInParts(start, end, this.settings.partBytes, signal, (s, e, partSignal) => this.readPart(s, e, partSignal, observer));
  }

  /** One ranged `GetObject`, its body checked and retried within the attempt budget, holding a request slot per attempt. */
  private readPart(start: number, end: number, signal: AbortSignal | undefined, observer: ReadObserver | undefined): Promise<Uint8Array> {
    const { bucket, key } = this.object;
    const range = `bytes=${start}-${end - 1}`;
    const what = `${this.location} ${range}`;
    const command = () => new GetObjectCommand({ Bucket: bucket, Key: key, Range: range });
    return withRetries(
      () => this.settings.limiter.run(async () => {
        const r = await send<GetObjectCommandOutput>(this.settings, this.location, command, signal, `GetObject ${range}`, observer);
        const body = r.Body as ResponseBody | undefined;
        const cancel = () => (body as { destroy?: () => void } | undefined)?.destroy?.();
        const status = r.$metadata.httpStatusCode;
        // Some S3-compatible servers answer a range covering the whole object with 200.
        const whole = status === 200 && start === 0 && r.ContentLength === end;
        if (!whole && (status !== 206 || !contentRangeStartsAt(r.ContentRange, start))) {
          cancel();
          throw ioFailed(this.location, `s3 GetObject ${range}: HTTP ${status} with Content-Range ${r.ContentRange ?? 'missing'}`, { bucket, key, status: status ?? 0 });
        }
        if (r.ContentLength !== undefined && r.ContentLength !== end - start) {
          cancel();
          if (r.ContentLength < end - start && endOfObject(r.ContentRange) === r.ContentLength + start) {
            throw ioFailed(this.location, `s3 GetObject ${range}: object ends at byte ${start + r.ContentLength} (read past end)`, { bucket, key, status: 206 });
          }
          throw new TransientReadError(`${what}: Content-Length ${r.ContentLength}, asked for ${end - start}`, 206);
        }
        return readBody(body!, { expected: end - start, stallTimeoutMs: this.settings.stallTimeoutMs, signal, what });
      }, signal),
      {
        maxAttempts: this.settings.maxAttempts,
        baseDelayMs: this.settings.retryBaseDelayMs,
        ...(signal !== undefined ? { signal } : {}),
        ...(observer?.onRetry !== undefined ? { onRetry: () => observer.onRetry?.() } : {}),
        exhausted: (error, attempts) =>
          ioFailed(this.location, `s3 GetObject ${range}: ${error.message.replace(`${what}: `, '')} (after ${attempts} attempts)`, { bucket, key, attempts, ...(error.status !== undefined ? { status: error.status } : {}) }, error),
      },
    );
  }
}

function contentRangeStartsAt(contentRange: string | undefined, start: number): boolean {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange ?? '');
  return m !== null && Number(m[1]) === start;
}

function endOfObject(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new IcebergScanError('invalid_argument', `${name} must be a positive integer, got ${n}`);
  return n;
}

/** Tells `observer` of the retries the SDK made inside one call (`$metadata.attempts` counts the first). */
function reportSdkRetries(metadata: { attempts?: number } | undefined, observer: ReadObserver | undefined): void {
  for (let i = 1; i < (metadata?.attempts ?? 1); i++) observer?.onRetry?.();
}

/**
 * Sends one command (the SDK retries transient faults inside, reported to `observer`) and turns
 * its failure into an `IcebergScanError` naming bucket, key, operation and HTTP status:
 * `not_found` for 404, `aborted` when `signal` aborted, else `io_failed`.
 */
async function send<T>(settings: S3Settings, location: string, command: () => unknown, signal: AbortSignal | undefined, operation: string, observer?: ReadObserver): Promise<T> {
  const { bucket, key } = parseS3Location(location);
  try {
    const output = (await settings.client.send(command() as never, signal !== undefined ? { abortSignal: signal } : {})) as T;
    reportSdkRetries((output as { $metadata?: { attempts?: number } }).$metadata, observer);
    return output;
  } catch (error) {
    if (signal?.aborted) throw abortedError(location);
    if (isIcebergScanError(error)) throw error;
    const e = error as SdkError;
    reportSdkRetries(e.$metadata, observer);
    const status = e.$metadata?.httpStatusCode;
    const attempts = e.$metadata?.attempts;
    const name = e.Code ?? e.name ?? 'Error';
    const context = { bucket, key, operation, ...(status !== undefined ? { status } : {}), ...(attempts !== undefined ? { attempts } : {}) };
    if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
      throw new IcebergScanError('not_found', `s3 ${operation}: no such object (HTTP 404)`, { path: location, context, cause: error });
    }
    const http = status !== undefined ? `HTTP ${status} ${name}` : name;
    const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
    throw ioFailed(location, `s3 ${operation}: ${http}${tries}: ${e.message ?? ''}`.replace(/: $/, ''), context, error);
  }
}
