import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { decodeAvroFile } from '../../../src/metadata/avro-file.ts';
import { readManifestList } from '../../../src/metadata/manifest-list.ts';
import { encodeAvroFile } from '../../builder/avro-file.ts';
import { manifestFileSchema } from '../../builder/avro-schemas.ts';

const SYNC = new Uint8Array(16).fill(3);
const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: ['null', 'string'] }] };

describe('decodeAvroFile', () => {
  for (const codec of ['null', 'deflate'] as const) {
    it(`decodes ${codec} blocks with exact longs`, async () => {
      const records = Array.from({ length: 10000 }, (_, i) => ({ id: 9007199254740993n + BigInt(i), name: i % 2 ? null : `n${i}` }));
      const bytes = await encodeAvroFile(schema, records, { k: 'v' }, codec, SYNC);
      const file = decodeAvroFile(bytes, 'f.avro');
      expect(file.meta).toEqual({ k: 'v' });
      expect(file.records).toHaveLength(10000);
      expect(file.records[0]).toEqual({ id: 9007199254740993n, name: 'n0' });
      expect(file.records[1]!.name).toBe(null);
    });
  }

  it('keeps safe longs as numbers', async () => {
    const bytes = await encodeAvroFile(schema, [{ id: 5n, name: null }], {}, 'null', SYNC);
    expect(decodeAvroFile(bytes, 'f.avro').records[0]!.id).toBe(5);
  });

  it('fails with data_invalid for bad magic, truncation and a wrong sync marker', async () => {
    const bytes = await encodeAvroFile(schema, [{ id: 1n, name: 'x' }], {}, 'null', SYNC);
    const codeOf = (b: Uint8Array) => {
      try {
        decodeAvroFile(b, 'f.avro');
        return 'ok';
      } catch (e) {
        return isIcebergScanError(e) ? e.code : 'crash';
      }
    };
    expect(codeOf(new Uint8Array([1, 2, 3]))).toBe('data_invalid');
    expect(codeOf(bytes.subarray(0, bytes.length - 5))).toBe('data_invalid');
    const wrongSync = Uint8Array.from(bytes);
    wrongSync[wrongSync.length - 1] ^= 0xff;
    expect(codeOf(wrongSync)).toBe('data_invalid');
  });
});

describe('readManifestList', () => {
  it('reads v1 field names and v1 defaults', async () => {
    const record = {
      manifest_path: 'm.avro',
      manifest_length: 10n,
      partition_spec_id: 0,
      added_snapshot_id: 7342794868382145167n,
      added_files_count: 2,
      existing_files_count: null,
      deleted_files_count: null,
      partitions: [{ contains_null: true, contains_nan: null, lower_bound: Buffer.from([1]), upper_bound: null }],
      added_rows_count: null,
      existing_rows_count: null,
      deleted_rows_count: null,
      key_metadata: null,
    };
    const bytes = await encodeAvroFile(manifestFileSchema(1), [record], {}, 'deflate', SYNC);
    const [m] = readManifestList(bytes, 'list.avro');
    expect(m).toEqual({
      manifestPath: 'm.avro',
      manifestLength: 10,
      partitionSpecId: 0,
      content: 'data',
      sequenceNumber: 0,
      minSequenceNumber: 0,
      addedSnapshotId: '7342794868382145167',
      addedFilesCount: 2,
      partitions: [{ containsNull: true, lowerBound: 'AQ==' }],
    });
  });
});
