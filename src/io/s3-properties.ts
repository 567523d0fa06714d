/**
 * S3 settings from PyIceberg's property names (`s3.endpoint`, `s3.region`, ...) and `s3://`
 * location parsing; everything not given is left to the AWS SDK's own chains (environment,
 * shared config and profiles, container and instance metadata).
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { IcebergScanError } from '../errors.ts';

/** Schemes read through S3 (Hadoop's `s3a`/`s3n` spellings included). */
export const S3_SCHEMES: ReadonlySet<string> = new Set(['s3', 's3a', 's3n']);

/** Bucket and key of an `s3://bucket/key` location. */
export interface S3Object {
  readonly bucket: string;
  readonly key: string;
}

/**
 * Splits `s3://bucket/key` (also `s3a://`, `s3n://`). The key is taken as written: Iceberg
 * records object keys unencoded.
 *
 * @param location An S3 location.
 * @returns Bucket and key.
 * @throws IcebergScanError `invalid_argument` when it is not an S3 location with a bucket.
 */
export function parseS3Location(location: string): S3Object {
  const m = /^([A-Za-z0-9]+):\/\/([^/]+)(?:\/(.*))?$/s.exec(location);
  if (m === null || !S3_SCHEMES.has(m[1]!.toLowerCase())) {
    throw new IcebergScanError('invalid_argument', `not an s3:// location: ${location}`, { expected: 's3://bucket/key' });
  }
  return { bucket: m[2]!, key: m[3] ?? '' };
}

/** Reads a PyIceberg boolean property (`true`/`false`, any case); undefined when absent. */
function flag(properties: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const v = properties[name];
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v.trim())) return true;
  if (/^(false|0|no)$/i.test(v.trim())) return false;
  throw new IcebergScanError('invalid_argument', `property ${name}: expected true or false, got ${JSON.stringify(v)}`, { expected: 'true or false' });
}

/** Reads a property in seconds (PyIceberg's unit for timeouts) as milliseconds. */
export function secondsProperty(properties: Readonly<Record<string, string>>, name: string): number | undefined {
  const v = properties[name];
  if (v === undefined) return undefined;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new IcebergScanError('invalid_argument', `property ${name}: expected seconds > 0, got ${JSON.stringify(v)}`, { expected: 'a positive number of seconds' });
  return Math.round(s * 1000);
}

/**
 * The S3 client settings of PyIceberg-named `properties`: `s3.endpoint`, `s3.region` (also
 * `client.region`), `s3.access-key-id` / `s3.secret-access-key` / `s3.session-token` (static
 * credentials; without them the SDK's default chain), `s3.path-style-access`,
 * `s3.connect-timeout` (seconds). Without a region from properties or `AWS_REGION` /
 * `AWS_DEFAULT_REGION`, a custom endpoint gets `us-east-1` (S3-compatible servers ignore it) and
 * AWS itself the SDK's own region chain (profiles).
 *
 * @param properties Catalog / FileIO properties.
 * @param env The environment (default `process.env`).
 * @returns Config for `new S3Client(...)`, without retry and handler settings.
 */
export function s3ClientSettings(properties: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = properties['s3.endpoint'];
  const region = properties['s3.region'] ?? properties['client.region'] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = properties['s3.access-key-id'] ?? properties['client.access-key-id'];
  const secretAccessKey = properties['s3.secret-access-key'] ?? properties['client.secret-access-key'];
  const sessionToken = properties['s3.session-token'] ?? properties['client.session-token'];
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new IcebergScanError('invalid_argument', 'properties s3.access-key-id and s3.secret-access-key must be given together', {
      expected: 'both properties, or neither (then the AWS default credential chain applies)',
    });
  }
  const pathStyle = flag(properties, 's3.path-style-access');
  return {
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : endpoint !== undefined || env.AWS_ENDPOINT_URL_S3 !== undefined || env.AWS_ENDPOINT_URL !== undefined ? { region: 'us-east-1' } : {}),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) } }
      : {}),
    ...(pathStyle !== undefined ? { forcePathStyle: pathStyle } : {}),
  };
}
