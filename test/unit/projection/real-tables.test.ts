/**
 * Projection on the shared real tables at the file level: tasks planned from the table's own
 * metadata, each data file's footer read, its planned columns decoded, and the batch projected.
 */
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { createProjectionPlanner, type ProjectionPlannerOptions } from '../../../src/projection/create-projection-planner.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import { variantToJson } from '../../../src/format/variant-json.ts';
import { readFileSync } from 'node:fs';
import { FIXTURES, decode, decodeBatches, footerOf, rowsOf } from './helpers.ts';

type Options = Omit<ProjectionPlannerOptions, 'schema'> & { schemaId?: number };

/** Scans a fixture table file by file through footer → decode → project; rows are concatenated. */
async function scanRows(table: string, options: Options = {}, locationMap?: Record<string, string>): Promise<Record<string, unknown>[]> {
  const t = await loadTable(`${FIXTURES}/${table}`, locationMap ? { locationMap } : {});
  const schema = options.schemaId !== undefined ? t.schemas().find((s) => s.schemaId === options.schemaId)! : t.schema();
  const planner = createProjectionPlanner({
    schema, specs: t.specs(), allSchemas: t.schemas(), formatVersion: t.metadata.formatVersion,
    ...(t.nameMapping() ? { nameMapping: t.nameMapping() } : {}), ...options,
  });
  const tasks = await lastValueFrom(t.scan({}).planFiles().pipe(toArray()));
  const rows: Record<string, unknown>[] = [];
  for (const task of tasks) {
    const file = t.io.newInputFile(task.dataFile.path);
    const bytes = await file.read(0, await file.length());
    const footer = footerOf(bytes);
    const fp = planner.forFile(task, footer);
    const decoded = await decodeBatches(bytes, fp.columns, 1000);
    const batches = fp.columns.length ? [] : [fp.project(undefined, 0, Number(footer.num_rows))];
    let pos = 0;
    for (const d of decoded) {
      batches.push(fp.project(d, pos, d.numRows));
      pos += d.numRows;
    }
    for (const batch of batches) {
      expect(batch.schema.fields).toEqual(planner.schema.fields);
      rows.push(...(rowsOf(batch) as Record<string, unknown>[]));
    }
  }
  return rows;
}

const byKey = (k: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => String(a[k]).localeCompare(String(b[k]), 'en', { numeric: true });

describe.skipIf(!existsSync(FIXTURES))('real tables (../shared/fixtures/iceberg)', () => {
  test('impala airports_parquet: no field ids, no name mapping → fallback positional ids', async () => {
    const rows = await scanRows('apache__impala/airports_parquet', { select: ['iata', 'lat', 'country', 'state'] });
    expect(rows).toHaveLength(3376);
    expect(rows.find((r) => r.iata === '00R')).toEqual({ iata: '00R', lat: 30.68586111, country: 'USA', state: null }); // state is a DOUBLE column of nulls in the file
    expect(rows.filter((r) => r.country !== 'USA').map((r) => r.iata).sort()).toEqual(['ROP', 'ROR', 'SPN', 'YAP']);
  });

  test('impala iceberg_alltypes_part: name-mapped column + identity-partition constants of every type', async () => {
    const t = await loadTable(`${FIXTURES}/apache__impala/iceberg_alltypes_part`);
    const planner = createProjectionPlanner({ schema: t.schema(), specs: t.specs(), nameMapping: t.nameMapping()! });
    const [task] = await lastValueFrom(t.scan({}).planFiles().pipe(toArray()));
    const file = t.io.newInputFile(task.dataFile.path);
    const bytes = await file.read(0, await file.length());
    const fp = planner.forFile(task, footerOf(bytes));
    expect(fp.columns).toEqual(['i']); // partition columns are not in the file
    const batch = fp.project(await decode(bytes, fp.columns), 0, 2);
    const rows = rowsOf(batch) as Record<string, unknown>[];
    expect(rows.map((r) => r.i)).toEqual([1, 2]);
    expect(rows[0]).toMatchObject({ p_bool: true, p_int: 1, p_bigint: '11', p_double: 2.222, p_string: 'impala' });
    expect(batch.getChild('p_float')!.get(0)).toBeCloseTo(1.1, 6);
    expect(String(batch.getChild('p_decimal')!.type)).toBe('Decimal[6e+3]');
    expect((batch.getChild('p_decimal')!.data[0].values as Uint32Array)[0]).toBe(123321);
    expect((batch.getChild('p_date')!.data[0].values as Int32Array)[0]).toBe(19045); // 2022-02-22
  });

  test('impala iceberg_legacy_partition_schema_evolution: promoted partition columns (int→long, float→double, decimal widening)', async () => {
    const rows = await scanRows('apache__impala/iceberg_legacy_partition_schema_evolution');
    expect(rows.map((r) => [r.p_int_long, r.p_float_double, r.i]).sort()).toEqual([['1', 1.100000023841858, 1], ['1', 1.100000023841858, 2]]);
  });

  test('impala iceberg_migrated_alter_test: name mapping', async () => {
    const rows = await scanRows('apache__impala/iceberg_migrated_alter_test');
    expect(rows.sort(byKey('int_col'))).toEqual([
      { int_col: 0, string_col: 'A', double_col: 0.5 }, { int_col: 1, string_col: 'B', double_col: 1.5 }, { int_col: 2, string_col: 'C', double_col: 2.5 },
    ]);
  });

  test('impala iceberg_v3_row_lineage: _row_id and _last_updated_sequence_number from the file', async () => {
    const rows = await scanRows('apache__impala/iceberg_v3_row_lineage', { select: ['i', '_row_id', '_last_updated_sequence_number'] });
    expect(rows.sort(byKey('i'))).toEqual([
      { i: 1, _row_id: '0', _last_updated_sequence_number: '1' },
      { i: 2, _row_id: '1', _last_updated_sequence_number: '2' },
      { i: 3, _row_id: '2', _last_updated_sequence_number: '3' },
    ]);
  });

  test('impala iceberg_v3_default_value: initial-default for rows written before the column', async () => {
    const rows = await scanRows('apache__impala/iceberg_v3_default_value');
    expect(rows.sort(byKey('i'))).toEqual([{ i: 1, j: -1 }, { i: 2, j: 2 }]);
  });

  test('impala test_complex_default: nested struct field and timestamptz defaults', async () => {
    const rows = await scanRows('apache__impala/test_complex_default');
    expect(rows.map((r) => (r.j as { f2: unknown } | null)?.f2 ?? null).sort()).toEqual(['hello', null]);
    const old = rows.find((r) => r.i === 1)!;
    // ts_tz did not exist when row 1 was written: its initial-default applies
    expect(old.ts_tz).toBe(Date.UTC(2024, 0, 15, 10, 30, 45, 123) + 0.456);
  });

  test('duckdb add_columns_with_defaults: initial-default of every primitive type', async () => {
    const rows = await scanRows('duckdb__duckdb-iceberg/add_columns_with_defaults__default.db__add_columns_with_defaults');
    const old = rows.find((r) => r.col1 === 'test')!; // written before the columns were added
    const day = (y: number, m: number, d: number) => { const x = new Date(Date.UTC(2000, m - 1, d)); x.setUTCFullYear(y); return x.getTime(); };
    expect(old).toMatchObject({
      col_boolean: false, col_integer: 453243, col_long: '328725092345834', col_double: 23.343424523423433, col_string: 'World',
      col_date: day(11, 3, 5), col_fixed: [0x80, 0, 0x80, 0, 0x80], col_binary: [0x80, 0, 0x80],
    });
    expect(old.col_float as number).toBeCloseTo(23.34342, 4);
    expect(old.col_timestamptz).toBe(Date.UTC(2023, 4, 15, 14, 30, 45));
    expect(old.col_timestamp).toBe(day(11, 3, 5) + (12 * 3600 + 6 * 60 + 45) * 1000);
    expect((old.col_uuid as number[]).slice(0, 2)).toEqual([0x02, 0x0d]);
  });

  test('duckdb add_columns_with_defaults_in_struct: defaults of fields added inside a struct', async () => {
    const rows = await scanRows('duckdb__duckdb-iceberg/add_columns_with_defaults_in_struct__default.db__add_columns_with_defaults_in_struct');
    const old = rows.map((r) => r.a as Record<string, unknown>).find((a) => a.col_boolean === false)!;
    expect(old).toMatchObject({ col1: 'test', col_integer: 453243, col_long: '328725092345834', col_string: 'World', col_timestamptz: null, col_uuid: null, col_fixed: null, col_binary: [0x80, 0, 0x80] });
  });

  test('impala test_default_part: initial-default and identity partitions on the defaulted column', async () => {
    const rows = await scanRows('apache__impala/test_default_part');
    expect(rows.map((r) => [r.i, r.j]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[1, -1], [2, -1], [3, 5], [4, 10], [5, null]]);
  });

  test('impala trino_variant: variant as Struct<metadata, value> binaries', async () => {
    const t = await loadTable(`${FIXTURES}/apache__impala/trino_variant`);
    const planner = createProjectionPlanner({ schema: t.schema(), select: ['id', 'v'] });
    expect(String(planner.schema.fields[1].type)).toBe('Struct<{metadata:Binary, value:Binary}>');
    const rows = await scanRows('apache__impala/trino_variant', { select: ['id', 'v'] });
    expect(rows).toHaveLength(55);
    const byId = new Map(rows.map((r) => [r.id, r.v as { metadata: number[]; value: number[] } | null]));
    expect(byId.get(0)).toBeNull();
    // variant value header byte: primitive (basic type 0) boolean true (type id 1) → 0b000001_00
    expect(byId.get(2)!.value).toEqual([4]);
    expect(byId.get(3)!.value).toEqual([8]);
  });

  test('impala trino_variant: every variant renders as the JSON Impala expects', async () => {
    const expected = (JSON.parse(readFileSync(`${FIXTURES}/EXPECTED.json`, 'utf8')) as { table: string; columns?: string[]; filter?: string | null; kind: string; expected: [number, string | null][] }[])
      .filter((e) => e.table === 'apache__impala/trino_variant' && e.kind === 'rows_ordered' && e.columns?.join() === 'id,v' && !e.filter)
      .sort((a, b) => b.expected.length - a.expected.length)[0].expected;
    const t = await loadTable(`${FIXTURES}/apache__impala/trino_variant`);
    const planner = createProjectionPlanner({ schema: t.schema(), select: ['id', 'v'] });
    const got = new Map<number, string | null>();
    for (const task of await lastValueFrom(t.scan({}).planFiles().pipe(toArray()))) {
      const file = t.io.newInputFile(task.dataFile.path);
      const bytes = await file.read(0, await file.length());
      const fp = planner.forFile(task, footerOf(bytes));
      const batch = fp.project(await decode(bytes, fp.columns), 0, 0);
      for (let i = 0; i < batch.numRows; i++) {
        const v = batch.getChild('v')!.get(i) as { metadata: Uint8Array; value: Uint8Array } | null;
        got.set(batch.getChild('id')!.get(i) as number, v ? variantToJson(v.metadata, v.value) : null);
      }
    }
    let compared = 0;
    for (const [id, text] of expected) {
      if (text === '"<unsupported-type>"') continue; // Impala cannot print time, timestamptz and uuid variants
      // Impala prints timestamps as 'YYYY-MM-DD HH:MM:SS.fffffffff'; we write ISO-8601
      const impala = (j: string | null | undefined) => (j === undefined ? undefined : j === null ? null : j.replace(/^"(\d{4}-\d{2}-\d{2})T([\d:]+)\.(\d+)"$/, (_m, d, t, f) => `"${d} ${t}.${f.padEnd(9, '0')}"`));
      expect([id, impala(got.get(id))]).toEqual([id, text]);
      compared++;
    }
    expect(compared).toBe(expected.length - 3);
  });

  test('icebird spark_rename_column: renamed column and partition with a null identity value', async () => {
    const rows = await scanRows('hyparam__icebird/spark_rename_column');
    const names = Object.keys(rows[0]);
    expect(names).toContain('event_date');
    expect(names).not.toContain('date');
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(3)!.event_date).toBeNull();
    expect(byId.get(4)!.event_date).toBe(Date.UTC(2022, 0, 2));
    expect(byId.get(1)!.name).toBe('Flopsy 🐇');
  });

  test('duckdb column_mapping: name mapping for map, list and struct children', async () => {
    const table = 'duckdb__duckdb-iceberg/column_mapping__warehouse__default.db__my_table';
    const rows = await scanRows(table, {}, { 'data/persistent/column_mapping/warehouse/example': `${FIXTURES}/${table}/__siblings__/example` });
    expect(rows.sort(byKey('id'))[1]).toEqual({
      id: '2', name: 'Bob', age: '30', attributes: { height: '6.0', weight: '180' }, scores: ['78', '82', '88'],
      profile: { email: 'bob@example.com', verified: false },
    });
  });

  test('impala iceberg_resolution_test: nested list, map and struct by id', async () => {
    const rows = await scanRows('apache__impala/iceberg_resolution_test', { select: ['id', 'phone', 'favorites', 'current_address.street_address.street_name'] });
    const alan = rows.find((r) => r.id === 3)!;
    expect(alan.phone).toEqual(['1-212-300-1111', '1-212-300-1112']);
    expect(alan.favorites).toEqual({ sport: 'baseball', food: 'pumpkin' });
    expect(alan.current_address).toEqual({ street_address: { street_name: 'Wall Street' } });
  });

  test('icebird spark_bunnies: Spark-escaped physical names (Breed_x20Name) read under table names', async () => {
    const t = await loadTable(`${FIXTURES}/hyparam__icebird/spark_bunnies`);
    const planner = createProjectionPlanner({ schema: t.schema(), select: ['Breed Name', 'Lifespan'] });
    const [task] = await lastValueFrom(t.scan({}).planFiles().pipe(toArray()));
    const file = t.io.newInputFile(task.dataFile.path);
    const bytes = await file.read(0, await file.length());
    const fp = planner.forFile(task, footerOf(bytes));
    expect(fp.columns).toEqual(['Breed_x20Name', 'Lifespan']);
    const rows = rowsOf(fp.project(await decode(bytes, fp.columns), 0, Number(footerOf(bytes).num_rows))) as Record<string, unknown>[];
    expect(Object.keys(rows[0])).toEqual(['Breed Name', 'Lifespan']);
    expect(rows.length).toBe(task.dataFile.recordCount);
    expect(rows.every((r) => typeof r['Breed Name'] === 'string')).toBe(true);
  });

  test('icebird java_bunnies: a column added later is null in the older file (before deletes)', async () => {
    const rows = await scanRows('hyparam__icebird/java_bunnies', { select: ['Breed Name', '__happy__'] });
    expect(rows.length).toBe(21 + 1);
    expect(rows.filter((r) => r.__happy__ !== null).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.__happy__ === null).length).toBeGreaterThanOrEqual(20);
  });

  test('every shared table: _file and _pos select on any file', async () => {
    const rows = await scanRows('apache__impala/airports_parquet', { select: ['_file', '_pos', 'iata'] });
    expect(rows[0]).toEqual({ _file: '/test-warehouse/iceberg_test/hadoop_catalog/ice/airports_parquet/000000_0', _pos: '0', iata: rows[0].iata });
    expect(rows.at(-1)!._pos).toBe('3375');
  });
});

export type { arrow };
