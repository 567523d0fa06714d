/**
 * Reading well from far away, against moto (S3) and the static range server (HTTP) behind the fault
 * proxy: large ranges split into parallel parts return the same bytes, the request limiter's bound
 * holds at the server, and the scan stats count the retries behind a scan.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_ROOT, HAVE_FIXTURES, tableDir } from '../conformance/fixtures.ts';
import { HttpFileIO } from '../../src/io/http-file-io.ts';
import type { FileIO } from '../../src/io/input-file.ts';
import { S3FileIO } from '../../src/io/s3-file-io.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { dataFileGets, rangedGets, startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { TEST_CREDENTIALS, motoUnavailable, startMoto, uploadFolder, type MotoServer } from './moto-server.ts';
import { startStaticServer, type StaticServer } from './static-range-server.ts';

const TABLE = 'hyparam__icebird/spark_bunnies';
const unavailable = HAVE_FIXTURES ? motoUnavailable() : `fixtures not found at ${FIXTURES_ROOT}`;
const PART = 256 * 1024;
const BOUND = 3;

interface Backend {
  readonly name: 's3' | 'http';
  readonly upstream: () => string;
  /** A FileIO reaching the server through `proxy`, and the location of the blob file. */
  io(proxy: FaultProxy, options: { maxRequests: number; partBytes: number }): { io: FileIO; blob: string };
}

let moto: MotoServer;
let statics: StaticServer;
let folder: string;
const blob = randomBytes(3 * 1024 * 1024 + 12_345);

const backends: Backend[] = [
  {
    name: 's3',
    upstream: () => moto.endpoint,
    io: (proxy, options) => ({
      io: new S3FileIO({ properties: { ...TEST_CREDENTIALS, 's3.endpoint': proxy.url }, retryBaseDelayMs: 10, ...options }),
      blob: 's3://reads/blob.bin',
    }),
  },
  {
    name: 'http',
    upstream: () => statics.url,
    io: (proxy, options) => ({ io: new HttpFileIO({ retryBaseDelayMs: 10, ...options }), blob: `${proxy.url}/blob.bin` }),
  },
];

describe.skipIf(unavailable !== undefined)('remote reads: parts, request bound, retries', () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'iceberg-rx-reads-'));
    writeFileSync(join(folder, 'blob.bin'), blob);
    moto = await startMoto();
    await uploadFolder(moto.client, folder, 'reads', '');
    await uploadFolder(moto.client, tableDir(TABLE), 'reads', TABLE);
    statics = await startStaticServer(folder);
  });
  afterAll(async () => {
    await statics?.close();
    await moto?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  describe.each(backends)('$name', (backend) => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(backend.upstream(), { delayMs: 5 });
    });
    afterAll(async () => proxy?.close());

    it('a range larger than partBytes is fetched as parallel parts: the same bytes, at most maxRequests in flight', async () => {
      const { io, blob: location } = backend.io(proxy, { maxRequests: BOUND, partBytes: PART });
      const file = io.newInputFile(location);
      await file.read(0, 16); // an HTTP object splits once it has answered a range with 206
      proxy.reset();
      const start = 1001;
      const end = blob.length - 7;
      const bytes = await file.read(start, end);
      expect(Buffer.from(bytes).equals(blob.subarray(start, end))).toBe(true);
      expect(proxy.counts.requests).toBe(Math.ceil((end - start) / PART));
      expect(proxy.counts.peakOpen).toBe(BOUND);
    });

    it('concurrent reads of several ranges share the bound', async () => {
      const { io, blob: location } = backend.io(proxy, { maxRequests: 2, partBytes: PART });
      const file = io.newInputFile(location);
      await file.read(0, 16);
      proxy.reset();
      const ranges = Array.from({ length: 6 }, (_, i) => [i * 500_000, i * 500_000 + 400_000] as const);
      const got = await Promise.all(ranges.map(([s, e]) => file.read(s, e)));
      ranges.forEach(([s, e], i) => expect(Buffer.from(got[i]!).equals(blob.subarray(s, e))).toBe(true));
      expect(proxy.counts.peakOpen).toBeLessThanOrEqual(2);
      expect(proxy.counts.requests).toBe(12);
    });

    it('a failed part retries alone, and the reassembled bytes are right', async () => {
      const { io, blob: location } = backend.io(proxy, { maxRequests: BOUND, partBytes: PART });
      const file = io.newInputFile(location);
      await file.read(0, 16);
      proxy.reset();
      proxy.inject('truncate', 1, rangedGets);
      const retries: number[] = [];
      const bytes = await file.read(0, blob.length, undefined, { onRetry: () => retries.push(1) });
      expect(Buffer.from(bytes).equals(blob)).toBe(true);
      expect(retries).toHaveLength(1);
      expect(proxy.counts.requests).toBe(Math.ceil(blob.length / PART) + 1);
    });
  });

  it('scan stats count the retries behind the scan: the SDK retries of 503 SlowDown and the body retries of truncation', async () => {
    const proxy = await startFaultProxy(moto.endpoint);
    try {
      const local = await loadTable(tableDir(TABLE));
      const location = `s3://reads/${TABLE}/${relative(tableDir(TABLE), local.metadataLocation)}`;
      const table = await loadTable(location, { properties: { ...TEST_CREDENTIALS, 's3.endpoint': proxy.url }, fileIO: { s3: { retryBaseDelayMs: 10 } } });
      const clean = table.scan();
      const rows = await clean.count();
      expect(clean.stats.retries).toBe(0);
      proxy.reset();
      proxy.inject('slowdown', 2, dataFileGets);
      proxy.inject('truncate', 1, dataFileGets);
      const scan = table.scan();
      expect((await scan.toTable()).numRows).toBe(rows);
      expect(scan.stats.retries).toBe(3);
      expect(proxy.counts.faults).toBe(3);
    } finally {
      await proxy.close();
    }
  });
});

if (unavailable !== undefined) {
  describe('remote reads: parts, request bound, retries', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
}
