/**
 * `s3://` outputs: one multipart upload per file, parts of 8 MiB uploaded as they fill; the object
 * appears only when `CompleteMultipartUpload` succeeds, whole. An aborted attempt aborts its
 * upload; a killed worker leaves an incomplete upload, which is invisible (a bucket lifecycle rule
 * `AbortIncompleteMultipartUpload` reclaims its parts).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { IcebergScanError } from '../errors.ts';
import { parseS3Location, s3ClientSettings } from '../io/s3-properties.ts';
import type { OutputFile } from './output-file.ts';

/** Part size: S3's minimum is 5 MiB for every part but the last. */
export const PART_BYTES = 8 * 1024 * 1024;

const clients = new Map<string, S3Client>();

function clientFor(properties: Readonly<Record<string, string>>): S3Client {
  const key = JSON.stringify(Object.entries(properties).sort());
  let client = clients.get(key);
  if (client === undefined) {
    client = new S3Client(s3ClientSettings(properties));
    clients.set(key, client);
  }
  return client;
}

function s3Error(what: string, url: string, error: unknown): IcebergScanError {
  return new IcebergScanError('io_failed', `${what}: ${(error as Error)?.message ?? error}`, { path: url, cause: error });
}

/** Opens `name` under the `s3://bucket/prefix` `location` as a multipart upload. */
export async function openS3OutputFile(location: string, name: string, properties: Readonly<Record<string, string>>): Promise<OutputFile> {
  const { bucket, key: prefix } = parseS3Location(location);
  const key = prefix === '' ? name : `${prefix.replace(/\/+$/, '')}/${name}`;
  const url = `s3://${bucket}/${key}`;
  const client = clientFor(properties);
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })).catch((e: unknown) => {
    throw s3Error('cannot start a multipart upload', url, e);
  });
  const uploadId = created.UploadId!;
  const parts: { ETag: string; PartNumber: number }[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let size = 0;
  let done = false;
  const flush = async (): Promise<void> => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const PartNumber = parts.length + 1;
    const r = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body })).catch((e: unknown) => {
      throw s3Error(`cannot upload part ${PartNumber}`, url, e);
    });
    parts.push({ ETag: r.ETag!, PartNumber });
  };
  const abort = async (): Promise<void> => {
    if (done) return;
    done = true;
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
  };
  return {
    async write(bytes) {
      // Copied: the caller may reuse its buffer.
      pending.push(Uint8Array.from(bytes));
      pendingBytes += bytes.byteLength;
      size += bytes.byteLength;
      if (pendingBytes >= PART_BYTES) await flush();
    },
    async commit() {
      try {
        if (pendingBytes > 0 || parts.length === 0) await flush();
        await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })).catch((e: unknown) => {
          throw s3Error('cannot complete the multipart upload', url, e);
        });
        done = true;
      } catch (error) {
        await abort();
        throw error;
      }
      return { location: url, bytes: size };
    },
    abort,
  };
}
