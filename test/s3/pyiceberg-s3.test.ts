/**
 * A table that PyIceberg 0.12 wrote into a real S3-compatible server (moto; a SqlCatalog with an
 * s3:// warehouse and s3.endpoint) reads row for row as PyIceberg reads it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_ENV, VENV_PYTHON, pyicebergAvailability } from '../pyiceberg/pyiceberg-env.ts';
import { sortedCanonical, tableRows } from '../pyiceberg/row-multiset.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { TEST_CREDENTIALS, motoUnavailable, startMoto, type MotoServer } from './moto-server.ts';

const SCRIPT = fileURLToPath(new URL('./write_pyiceberg_s3.py', import.meta.url));
const py = pyicebergAvailability();
const unavailable = motoUnavailable() ?? (py.available ? undefined : py.reason);

describe.skipIf(unavailable !== undefined)('a table PyIceberg wrote into S3 (moto)', () => {
  let moto: MotoServer;
  let workdir: string;
  let written: { metadata_location: string; rows: unknown[] };

  beforeAll(async () => {
    moto = await startMoto();
    await moto.client.send(new CreateBucketCommand({ Bucket: 'pyiceberg' }));
    workdir = mkdtempSync(join(tmpdir(), 'iceberg-rx-pyiceberg-s3-'));
    const r = spawnSync(VENV_PYTHON, [SCRIPT, moto.endpoint, workdir, 'pyiceberg'], {
      encoding: 'utf8',
      env: { ...PYTHON_ENV, AWS_EC2_METADATA_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`write_pyiceberg_s3.py exited with ${r.status}: ${r.stderr}`);
    written = JSON.parse(r.stdout) as typeof written;
  });
  afterAll(async () => {
    await moto?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('reads the same rows as PyIceberg', async () => {
    expect(written.metadata_location).toMatch(/^s3:\/\/pyiceberg\/warehouse\//);
    const table = await loadTable(written.metadata_location, { properties: { ...TEST_CREDENTIALS, 's3.endpoint': moto.endpoint } });
    const rows = tableRows(await table.scan().toTable());
    expect(rows).toHaveLength(480);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(written.rows));
  });

  it('reads a filtered scan as the rows PyIceberg returns for it', async () => {
    const table = await loadTable(written.metadata_location, { properties: { ...TEST_CREDENTIALS, 's3.endpoint': moto.endpoint } });
    const rows = tableRows(await table.scan({ filter: "category = 'b' AND id < 50" }).toTable());
    const expected = (written.rows as { id: number; category: string | null }[]).filter((r) => r.category === 'b' && r.id < 50);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(expected));
  });
});

if (unavailable !== undefined) {
  describe('a table PyIceberg wrote into S3 (moto)', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
}
