/**
 * `s3://` outputs against moto_server: a file is one multipart upload that becomes visible only
 * when completed, whole; an aborted attempt leaves neither an object nor an open upload.
 */
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openOutputFile } from '../../src/distributed/output-file.ts';
import { PART_BYTES } from '../../src/distributed/s3-output-file.ts';
import { motoUnavailable, startMoto, TEST_CREDENTIALS, type MotoServer } from '../s3/moto-server.ts';

const unavailable = motoUnavailable();

describe.skipIf(unavailable !== undefined)(`s3:// outputs${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let moto: MotoServer;
  let properties: Record<string, string>;
  beforeAll(async () => {
    moto = await startMoto();
    await moto.client.send(new CreateBucketCommand({ Bucket: 'out' }));
    properties = { ...TEST_CREDENTIALS, 's3.endpoint': moto.endpoint, 's3.path-style-access': 'true' };
  });
  afterAll(async () => moto?.stop());

  const keys = async (): Promise<string[]> => ((await moto.client.send(new ListObjectsV2Command({ Bucket: 'out' }))).Contents ?? []).map((o) => o.Key!);
  const uploads = async (): Promise<number> => ((await moto.client.send(new ListMultipartUploadsCommand({ Bucket: 'out' }))).Uploads ?? []).length;

  test('parts are uploaded as they fill; the object appears whole at commit', async () => {
    const f = await openOutputFile({ location: 's3://out/scan/', properties }, 'part-00000-x.arrows');
    const chunk = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    for (let i = 0; i < 4; i++) await f.write(chunk); // 12 MiB: one 8 MiB part on the way, the rest at commit
    expect(await keys()).toEqual([]);
    expect(await uploads()).toBe(1);
    const done = await f.commit();
    expect(done).toEqual({ location: 's3://out/scan/part-00000-x.arrows', bytes: 4 * chunk.byteLength });
    expect(await keys()).toEqual(['scan/part-00000-x.arrows']);
    expect(await uploads()).toBe(0);
    const body = await (await moto.client.send(new GetObjectCommand({ Bucket: 'out', Key: 'scan/part-00000-x.arrows' }))).Body!.transformToByteArray();
    expect(body.byteLength).toBe(4 * chunk.byteLength);
    expect(body.byteLength).toBeGreaterThan(PART_BYTES);
    expect(body.subarray(PART_BYTES, PART_BYTES + 5)).toEqual(chunk.subarray(PART_BYTES % chunk.byteLength, (PART_BYTES % chunk.byteLength) + 5));
  });

  test('an aborted attempt leaves no object and no open upload', async () => {
    const f = await openOutputFile({ location: 's3://out/scan', properties }, 'part-00001-y.arrows');
    await f.write(new Uint8Array(100));
    await f.abort();
    expect(await keys()).toEqual(['scan/part-00000-x.arrows']);
    expect(await uploads()).toBe(0);
  });
});
