import { describe, expect, it } from 'vitest';
import { DELETE_FILE_PATH_FIELD_ID, DeleteFileIndex } from '../../../src/scan/delete-file-index.ts';
import type { ContentFile } from '../../../src/metadata/content-file.ts';
import type { PartitionSpec } from '../../../src/metadata/partition-spec.ts';

const unpartitioned: PartitionSpec = { specId: 0, fields: [] };
const byPart: PartitionSpec = { specId: 1, fields: [{ sourceId: 2, fieldId: 1000, name: 'part', transform: 'identity' }] };

function file(over: Partial<ContentFile> & { path: string }): ContentFile {
  return { content: 'data', format: 'parquet', recordCount: 1, fileSizeInBytes: 1, specId: 0, partition: {}, sequenceNumber: 1, ...over };
}

const names = (files: ContentFile[]) => files.map((f) => f.path);

describe('DeleteFileIndex', () => {
  it('applies position deletes when delete seq >= data seq', () => {
    const index = new DeleteFileIndex();
    index.add(file({ path: 'older', content: 'position_deletes', sequenceNumber: 1 }), unpartitioned);
    index.add(file({ path: 'same', content: 'position_deletes', sequenceNumber: 2 }), unpartitioned);
    index.add(file({ path: 'newer', content: 'position_deletes', sequenceNumber: 3 }), unpartitioned);
    expect(names(index.forDataFile(file({ path: 'd', sequenceNumber: 2 })))).toEqual(['same', 'newer']);
  });

  it('applies equality deletes only when delete seq > data seq', () => {
    const index = new DeleteFileIndex();
    index.add(file({ path: 'same', content: 'equality_deletes', sequenceNumber: 2, equalityIds: [1] }), unpartitioned);
    index.add(file({ path: 'newer', content: 'equality_deletes', sequenceNumber: 3, equalityIds: [1, 2] }), unpartitioned);
    expect(names(index.forDataFile(file({ path: 'd', sequenceNumber: 2 })))).toEqual(['newer']);
    expect(index.equalityFieldIds()).toEqual([1, 2]);
  });

  it('scopes deletes by spec and partition, except unpartitioned equality deletes (global)', () => {
    const index = new DeleteFileIndex();
    index.add(file({ path: 'pos-a', content: 'position_deletes', specId: 1, partition: { '1000': 'a' }, sequenceNumber: 5 }), byPart);
    index.add(file({ path: 'eq-a', content: 'equality_deletes', specId: 1, partition: { '1000': 'a' }, sequenceNumber: 5 }), byPart);
    index.add(file({ path: 'eq-global', content: 'equality_deletes', specId: 0, sequenceNumber: 5 }), unpartitioned);
    index.add(file({ path: 'pos-unpart', content: 'position_deletes', specId: 0, sequenceNumber: 5 }), unpartitioned);
    expect(names(index.forDataFile(file({ path: 'a', specId: 1, partition: { '1000': 'a' } })))).toEqual(['pos-a', 'eq-a', 'eq-global']);
    expect(names(index.forDataFile(file({ path: 'b', specId: 1, partition: { '1000': 'b' } })))).toEqual(['eq-global']);
  });

  it('matches single-file position deletes by referenced_data_file or equal file_path bounds only', () => {
    const index = new DeleteFileIndex();
    const bound = Buffer.from('s3://b/t/data/x.parquet').toString('base64');
    index.add(file({ path: 'by-ref', content: 'position_deletes', sequenceNumber: 2, referencedDataFile: 's3://b/t/data/x.parquet' }), unpartitioned);
    index.add(
      file({
        path: 'by-bounds',
        content: 'position_deletes',
        sequenceNumber: 2,
        lowerBounds: { [DELETE_FILE_PATH_FIELD_ID]: bound },
        upperBounds: { [DELETE_FILE_PATH_FIELD_ID]: bound },
      }),
      unpartitioned,
    );
    expect(names(index.forDataFile(file({ path: 's3://b/t/data/x.parquet' })))).toEqual(['by-ref', 'by-bounds']);
    expect(names(index.forDataFile(file({ path: 's3://b/t/data/y.parquet' })))).toEqual([]);
  });

  it('lets a deletion vector supersede position delete files for its data file', () => {
    const index = new DeleteFileIndex();
    index.add(file({ path: 'pos', content: 'position_deletes', sequenceNumber: 3 }), unpartitioned);
    index.add(file({ path: 'dv', content: 'position_deletes', format: 'puffin', sequenceNumber: 3, referencedDataFile: 'x' }), unpartitioned);
    index.add(file({ path: 'eq', content: 'equality_deletes', sequenceNumber: 3 }), unpartitioned);
    expect(names(index.forDataFile(file({ path: 'x' })))).toEqual(['dv', 'eq']);
    expect(names(index.forDataFile(file({ path: 'y' })))).toEqual(['pos', 'eq']);
  });

  it('ignores data files and reports its size', () => {
    const index = new DeleteFileIndex();
    index.add(file({ path: 'd' }), unpartitioned);
    expect(index.size).toBe(0);
    expect(index.forDataFile(file({ path: 'd' }))).toEqual([]);
  });
});
