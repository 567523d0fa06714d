/**
 * `--allow-location` end to end (in-process `main`): a table whose data file is recorded outside
 * its location, as PyIceberg's `add_files` leaves it, is refused without the flag and read with it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTable } from '../../builder/build-table.ts';
import { runCli } from '../../integration/cli-run.ts';

let table: string;
let external: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'cli-allow-location-'));
  table = join(root, 't');
  external = join(root, 'registered');
  await buildTable(table, {
    schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 's', type: 'string' }],
    dataLocation: { recorded: external, local: external },
    steps: [{ append: [{ name: 'f', rows: [{ id: 1, s: 'a' }, { id: 2, s: 'b' }] }] }],
  });
});

describe('iceberg-rx --allow-location', () => {
  it('scan refuses a file outside the table without it, and the message names the flag', async () => {
    const r = await runCli(['scan', table, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('path_refused');
    expect(r.stderr).toContain('--allow-location');
    expect(r.text).toBe('');
  });

  it('scan reads it with --allow-location PREFIX (and with *)', async () => {
    for (const flag of [external, '*']) {
      const r = await runCli(['scan', table, '--format', 'ndjson', '--allow-location', '/nowhere', '--allow-location', flag]);
      expect(r.stderr, flag).toBe('');
      expect(r.code).toBe(0);
      expect(r.text.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ id: 1, s: 'a' }, { id: 2, s: 'b' }]);
    }
  });

  it('a sibling prefix does not allow it', async () => {
    const r = await runCli(['scan', table, '--format', 'ndjson', '--allow-location', `${external}-2`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('path_refused');
  });

  it('plan and inspect take it too', async () => {
    const refused = await runCli(['plan', table, '--json']);
    expect(refused.code).toBe(0); // planning reads manifests only, never the data file
    const plan = await runCli(['plan', table, '--json', '--allow-location', external]);
    expect(plan.code).toBe(0);
    expect(plan.text).toContain(join(external, 'f.parquet'));
    const inspect = await runCli(['inspect', table, '--json', '--allow-location', external]);
    expect(inspect.code).toBe(0);
  });

  it('an unusable prefix is a usage error (exit 2)', async () => {
    const r = await runCli(['scan', table, '--allow-location', '']);
    expect(r.code).toBe(2);
  });
});
