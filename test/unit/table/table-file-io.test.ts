import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import type { FileIO } from '../../../src/io/input-file.ts';
import { TableFileIO, locationKey } from '../../../src/io/table-file-io.ts';

const inner: FileIO = { newInputFile: (location) => ({ location, length: async () => 0, read: async () => new Uint8Array() }) };

function io(recorded: string, locationMap?: Record<string, string>) {
  return new TableFileIO(inner, { root: '/tables/t', recordedLocations: [recorded], ...(locationMap ? { locationMap } : {}) });
}

function refusal(fn: () => unknown): string {
  try {
    fn();
    return 'resolved';
  } catch (e) {
    return isIcebergScanError(e) ? e.code : 'crash';
  }
}

describe('TableFileIO', () => {
  it.each([
    ['s3a://bucket/wh/t', 's3a://bucket/wh/t/data/a.parquet'],
    ['s3a://bucket/wh/t', 's3://bucket/wh/t/data/a.parquet'],
    ['hdfs://nn:8020/wh/t', 'hdfs://nn:8020/wh/t/data/a.parquet'],
    ['/wh/t', 'hdfs://localhost:20500/wh/t/data/a.parquet'],
    ['hdfs://localhost:20500/wh/t', '/wh/t/data/a.parquet'],
    ['file:/wh/t', 'file:///wh/t/data/a.parquet'],
    ['/wh/t', 'file:/wh/t/data/a.parquet'],
    ['./lineitem', 'lineitem/data/a.parquet'],
    ['./lineitem', './lineitem/data/a.parquet'],
    ['data/persistent/t', 'data/persistent/t/data/a.parquet'],
  ])('re-roots %s paths like %s onto the table folder', (recorded, path) => {
    expect(io(recorded).newInputFile(path).location).toBe('/tables/t/data/a.parquet');
  });

  it('accepts paths already under the actual root', () => {
    expect(io('s3://b/t').resolve('/tables/t/metadata/v1.metadata.json')).toBe('/tables/t/metadata/v1.metadata.json');
  });

  it('refuses paths outside the table that no map covers, and ".." escapes', () => {
    expect(refusal(() => io('/wh/t').resolve('/etc/passwd'))).toBe('path_refused');
    expect(refusal(() => io('/wh/t').resolve('/wh/t2/data/a.parquet'))).toBe('path_refused');
    expect(refusal(() => io('/wh/t').resolve('/wh/t/../../etc/passwd'))).toBe('path_refused');
  });

  it('applies explicit prefix maps, longest first, at segment boundaries', () => {
    const t = io('/wh/t', { '/wh/t_data': '/copies/data', '/wh/t_data01': '/copies/data01' });
    expect(t.resolve('/wh/t_data01/p=1/a.parquet')).toBe('/copies/data01/p=1/a.parquet');
    expect(t.resolve('/wh/t_data/p=1/a.parquet')).toBe('/copies/data/p=1/a.parquet');
    expect(t.resolve('hdfs://nn/wh/t_data/a.parquet')).toBe('/copies/data/a.parquet');
    expect(refusal(() => t.resolve('/wh/t_data02/a.parquet'))).toBe('path_refused');
  });

  it('opens allowed locations where they are, after maps and the table location', () => {
    const t = new TableFileIO(inner, { root: '/tables/t', recordedLocations: ['/wh/t'], locationMap: { '/ext/mapped': '/copies/m' }, allowedLocations: ['/ext', 's3://lake/raw'] });
    expect(t.resolve('/ext/p=1/a.parquet')).toBe('/ext/p=1/a.parquet');
    expect(t.resolve('/ext/p=1/../p=2/a.parquet')).toBe('/ext/p=2/a.parquet');
    expect(t.resolve('s3://lake/raw/a.parquet')).toBe('s3://lake/raw/a.parquet');
    expect(t.resolve('/ext/mapped/a.parquet')).toBe('/copies/m/a.parquet');
    expect(t.resolve('/wh/t/data/a.parquet')).toBe('/tables/t/data/a.parquet');
    expect(refusal(() => t.resolve('/ext/../etc/passwd'))).toBe('path_refused');
    expect(refusal(() => t.resolve('/extra/a.parquet'))).toBe('path_refused');
    expect(refusal(() => t.resolve('s3a://lake/raw/a.parquet'))).toBe('path_refused');
    expect(new TableFileIO(inner, { root: '/tables/t', recordedLocations: ['/wh/t'], allowedLocations: '*' }).resolve('/anywhere/a.parquet')).toBe('/anywhere/a.parquet');
  });

  it('names allowedLocations and --allow-location when it refuses a location', () => {
    const t = new TableFileIO(inner, { root: '/tables/t', recordedLocations: ['/wh/t'], allowedLocations: ['/ext'] });
    try {
      t.resolve('/elsewhere/a.parquet');
      throw new Error('resolved');
    } catch (error) {
      expect(isIcebergScanError(error) && error.code).toBe('path_refused');
      const e = error as { message: string; path: string; context: Record<string, unknown> };
      expect(e.message).toMatch(/allowedLocations/);
      expect(e.message).toMatch(/--allow-location/);
      expect(e.path).toBe('/elsewhere/a.parquet');
      expect(e.context.allowedLocations).toBe('/ext');
    }
  });

  it('builds comparable keys', () => {
    expect(locationKey('s3a://b/k/')).toBe('/b/k');
    expect(locationKey('hdfs://host:1/p')).toBe('/p');
    expect(locationKey('file:///p//q')).toBe('/p/q');
    expect(locationKey('file://rel/x')).toBe('rel/x');
    expect(locationKey('./a/b')).toBe('a/b');
  });
});
