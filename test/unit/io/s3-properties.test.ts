import { describe, expect, it } from 'vitest';
import { parseS3Location, s3ClientSettings } from '../../../src/io/s3-properties.ts';

describe('parseS3Location', () => {
  it('splits s3, s3a and s3n locations into bucket and key, keeping the key as written', () => {
    expect(parseS3Location('s3://b/t/data/x%3A1.parquet')).toEqual({ bucket: 'b', key: 't/data/x%3A1.parquet' });
    expect(parseS3Location('s3a://b/k')).toEqual({ bucket: 'b', key: 'k' });
    expect(parseS3Location('S3N://b')).toEqual({ bucket: 'b', key: '' });
  });

  it('refuses other schemes', () => {
    expect(() => parseS3Location('gs://b/k')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('s3ClientSettings', () => {
  it('maps PyIceberg property names', () => {
    expect(
      s3ClientSettings(
        { 's3.endpoint': 'http://127.0.0.1:9000', 's3.region': 'eu-west-1', 's3.access-key-id': 'a', 's3.secret-access-key': 's', 's3.session-token': 't', 's3.path-style-access': 'true' },
        {},
      ),
    ).toEqual({ endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }, forcePathStyle: true });
  });

  it('leaves credentials and region to the SDK chains when not given; a custom endpoint gets us-east-1', () => {
    expect(s3ClientSettings({}, {})).toEqual({});
    expect(s3ClientSettings({}, { AWS_REGION: 'ap-south-1' })).toEqual({ region: 'ap-south-1' });
    expect(s3ClientSettings({ 's3.endpoint': 'http://x' }, {})).toEqual({ endpoint: 'http://x', region: 'us-east-1' });
    expect(s3ClientSettings({}, { AWS_ENDPOINT_URL_S3: 'http://y' })).toEqual({ region: 'us-east-1' });
  });

  it('refuses half a key pair and a malformed flag', () => {
    expect(() => s3ClientSettings({ 's3.access-key-id': 'a' }, {})).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => s3ClientSettings({ 's3.path-style-access': 'maybe' }, {})).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
