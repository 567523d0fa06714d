/**
 * Faults between the scanner and a real server, produced by the fault proxy in front of moto (S3)
 * and of the static range server (HTTP): each retryable fault is retried and the rows are right;
 * beyond the attempt budget, and for 403, the scan fails with `io_failed` naming the object and
 * the status within a bounded time; unsubscribing mid-scan closes the requests at the server.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_ROOT, HAVE_FIXTURES, tableDir } from '../conformance/fixtures.ts';
import { sortedCanonical, tableRows } from '../pyiceberg/row-multiset.ts';
import { loadTable, type LoadTableOptions } from '../../src/table/load-table.ts';
import { dataFileGets, startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.ts';
import { TEST_CREDENTIALS, motoUnavailable, startMoto, uploadFolder, type MotoServer } from './moto-server.ts';
import { startStaticServer, type StaticServer } from './static-range-server.ts';

const TABLE = 'hyparam__icebird/spark_bunnies';
const STALL_MS = 400;
const ATTEMPTS = 3;
/** Budget of a failing scan: every attempt stalls, plus backoff and slack for a loaded machine. */
const BOUND_MS = ATTEMPTS * STALL_MS + 4000;

const unavailable = HAVE_FIXTURES ? motoUnavailable() : `fixtures not found at ${FIXTURES_ROOT}`;
const FILE_IO: LoadTableOptions['fileIO'] = { maxAttempts: ATTEMPTS, stallTimeoutMs: STALL_MS, s3: { retryBaseDelayMs: 10 }, http: { retryBaseDelayMs: 10 } };

interface Backend {
  readonly name: 's3' | 'http';
  /** Loads the table through the proxy. */
  load(proxy: FaultProxy): Promise<Awaited<ReturnType<typeof loadTable>>>;
  /** The upstream the proxy forwards to. */
  readonly upstream: () => string;
}

let moto: MotoServer;
let statics: StaticServer;
let metadataRelative: string;
let expectedRows: string[];

const backends: Backend[] = [
  {
    name: 's3',
    upstream: () => moto.endpoint,
    load: (proxy) =>
      loadTable(`s3://faults/${metadataRelative}`, { properties: { ...TEST_CREDENTIALS, 's3.endpoint': proxy.url }, fileIO: FILE_IO }),
  },
  {
    name: 'http',
    upstream: () => statics.url,
    load: (proxy) => loadTable(`${proxy.url}/${metadataRelative}`, { fileIO: FILE_IO }),
  },
];

async function rowsOf(table: Awaited<ReturnType<typeof loadTable>>): Promise<string[]> {
  return sortedCanonical(tableRows(await table.scan().toTable()));
}

describe.skipIf(unavailable !== undefined)('I/O faults through the fault proxy', () => {
  beforeAll(async () => {
    const local = await loadTable(tableDir(TABLE));
    metadataRelative = relative(FIXTURES_ROOT, local.metadataLocation);
    expectedRows = await rowsOf(local);
    moto = await startMoto();
    await uploadFolder(moto.client, tableDir(TABLE), 'faults', TABLE);
    statics = await startStaticServer(FIXTURES_ROOT);
  });
  afterAll(async () => {
    await statics?.close();
    await moto?.stop();
  });

  describe.each(backends)('$name', (backend) => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(backend.upstream());
    });
    afterAll(async () => proxy?.close());

    const retried: Fault[] = ['slowdown', 'internal', 'reset', 'truncate', 'stall-headers', 'stall-body'];
    for (const fault of retried) {
      it(`${fault} once per data file read: retried, rows right`, async () => {
        const table = await backend.load(proxy);
        proxy.reset();
        proxy.inject(fault, 2, dataFileGets);
        expect(await rowsOf(table)).toEqual(expectedRows);
        expect(proxy.counts.faults).toBe(2);
      });

      it(`${fault} on every attempt: io_failed naming the object within ${BOUND_MS} ms`, async () => {
        const table = await backend.load(proxy);
        proxy.reset();
        proxy.inject(fault, Infinity, dataFileGets);
        const started = Date.now();
        const error = (await rowsOf(table).catch((e: unknown) => e)) as { code?: string; message?: string; path?: string; context?: Record<string, unknown> };
        expect(Date.now() - started).toBeLessThan(BOUND_MS);
        expect(error.code).toBe('io_failed');
        expect(error.message).toMatch(/\.parquet/);
        if (fault === 'slowdown') expect(error.context?.status).toBe(503);
        if (fault === 'internal') expect(error.context?.status).toBe(500);
        expect(error.message).not.toMatch(/testing/); // the credentials never appear
      });
    }

    it('403 is not retried: io_failed with the status at once', async () => {
      const table = await backend.load(proxy);
      proxy.reset();
      proxy.inject('forbidden', Infinity, dataFileGets);
      const error = (await rowsOf(table).catch((e: unknown) => e)) as { code?: string; context?: Record<string, unknown> };
      expect(error).toMatchObject({ code: 'io_failed', context: { status: 403 } });
      expect(proxy.counts.faults).toBeLessThanOrEqual(2); // one per data file started, no retries
    });

    it('unsubscribing mid-scan closes the requests in flight at the server', async () => {
      const table = await backend.load(proxy);
      proxy.reset();
      proxy.inject('stall-body', Infinity, dataFileGets);
      const sub = table.scan().batches().subscribe({ error: () => undefined });
      const deadline = Date.now() + 5000;
      while (![...proxy.open].some((r) => dataFileGets(r)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect([...proxy.open].some((r) => dataFileGets(r))).toBe(true);
      sub.unsubscribe();
      const closedBy = Date.now() + 1000;
      while (proxy.open.size > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 10));
      expect(proxy.open.size).toBe(0);
    });
  });
});

if (unavailable !== undefined) {
  describe('I/O faults through the fault proxy', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
}
