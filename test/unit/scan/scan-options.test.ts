import { describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_HIGH_WATER_MARK,
  resolveScanTasksOptions,
} from '../../../src/scan/scan-options.ts';
import { defaultDecodeWorkers } from '../../../src/read/decoder/start-worker.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { simpleProjection } from '../../helpers/simple-projection.ts';
import { IcebergScanError } from '../../../src/errors.ts';

const base = { io: new LocalFileIO(), projection: simpleProjection([{ id: 1, name: 'id', type: new arrow.Int64() }]) };

describe('resolveScanTasksOptions', () => {
  it('fills the documented defaults', () => {
    const o = resolveScanTasksOptions(base);
    expect(o).toMatchObject({ batchSize: DEFAULT_BATCH_SIZE, concurrency: DEFAULT_CONCURRENCY, order: 'task', highWaterMark: DEFAULT_HIGH_WATER_MARK, decodeWorkers: defaultDecodeWorkers() });
    expect(o.limit).toBeUndefined();
    expect(DEFAULT_BATCH_SIZE).toBe(131_072);
  });

  it.each([
    ['io', { io: {} }],
    ['projection', { projection: null }],
    ['decodeWorkers', { decodeWorkers: -1 }],
    ['readAheadBytes', { readAheadBytes: 0 }],
    ['limit', { limit: 2 ** 60 }],
    ['deletes', { deletes: 3 }],
  ])('rejects a bad %s naming it', (name, bad) => {
    let error: unknown;
    try {
      resolveScanTasksOptions({ ...base, ...(bad as object) } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IcebergScanError);
    expect((error as IcebergScanError).code).toBe('invalid_argument');
    expect((error as IcebergScanError).context.option).toBe(name);
  });
});
