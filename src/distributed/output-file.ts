/**
 * One output file being written: bytes go to a place nobody reads (a temporary file, an
 * uncompleted multipart upload) until `commit` makes the whole file visible at its final name at
 * once. A retried task writes the same final name, so the outputs never hold a partial file nor a
 * second copy of a task's rows.
 */
import { S3_SCHEMES } from '../io/s3-properties.ts';
import { openLocalOutputFile } from './local-output-file.ts';
import { openS3OutputFile } from './s3-output-file.ts';

/** A file being written; `commit` or `abort` exactly once. */
export interface OutputFile {
  /** Appends bytes (resolves when they may be reused). */
  write(bytes: Uint8Array): Promise<void>;
  /** Makes the file visible at its final location; resolves with that location and its size. */
  commit(): Promise<{ readonly location: string; readonly bytes: number }>;
  /** Drops what was written (best effort; never rejects). */
  abort(): Promise<void>;
}

/** Where outputs go and with which credentials. */
export interface OutputTarget {
  /** A local folder, a `file:` URL or an `s3://bucket/prefix`. */
  readonly location: string;
  /** FileIO properties for `s3://` targets (`s3.endpoint`, `s3.region`, keys...). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** True for an `s3://` (`s3a://`, `s3n://`) location. */
export function isS3Location(location: string): boolean {
  const m = /^([A-Za-z0-9]+):\/\//.exec(location);
  return m !== null && S3_SCHEMES.has(m[1]!.toLowerCase());
}

/** Opens `name` under the target for writing. */
export function openOutputFile(target: OutputTarget, name: string): Promise<OutputFile> {
  if (isS3Location(target.location)) return openS3OutputFile(target.location, name, target.properties ?? {});
  return openLocalOutputFile(target.location, name);
}
