/**
 * Table builder: manifest and manifest-list Avro schemas equal the ones the Java implementation
 * writes (compared with every Java-written v2/v3 manifest of the shared fixture tables).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFieldById, schemaFromWire, SchemaWire } from '../../../src/metadata/schema.ts';
import { avroName, manifestEntrySchema, manifestFileSchema, partitionRecord } from '../../builder/avro-schemas.ts';
import { transformResultType } from '../../builder/transforms.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = resolve(repoRoot, '../shared/fixtures/iceberg');

/** Avro header key-value metadata of a container file. */
function avroHeader(path: string): Record<string, string> {
  const buf = readFileSync(path);
  let pos = 4;
  const readLong = () => {
    let n = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = buf[pos++]!;
      n |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    return Number((n >> 1n) ^ -(n & 1n));
  };
  const meta: Record<string, string> = {};
  for (;;) {
    let count = readLong();
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      readLong();
    }
    for (let i = 0; i < count; i++) {
      const kl = readLong();
      const k = buf.subarray(pos, pos + kl).toString();
      pos += kl;
      const vl = readLong();
      meta[k] = buf.subarray(pos, pos + vl).toString();
      pos += vl;
    }
  }
  return meta;
}

function avroFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...avroFiles(p));
    else if (name.endsWith('.avro')) out.push(p);
  }
  return out;
}

/** Schema JSON without docs, keys sorted (field order kept). */
function normal(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(normal);
  if (x && typeof x === 'object') {
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k]) => k !== 'doc')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, normal(v)]),
    );
  }
  return x;
}

describe.skipIf(!existsSync(fixtures))('Avro schemas match Java-written manifests (shared fixtures)', () => {
  const javaFiles = existsSync(fixtures)
    ? avroFiles(fixtures)
        .map((path) => ({ path, meta: avroHeader(path) }))
        .filter(({ meta }) => 'iceberg.schema' in meta && ['2', '3'].includes(meta['format-version'] ?? ''))
        // current Java writers (older ones lack referenced_data_file and use other count names)
        .filter(({ meta }) => meta['avro.schema']!.includes('referenced_data_file') || JSON.parse(meta['avro.schema']!).name === 'manifest_file')
        .filter(({ meta }) => !meta['avro.schema']!.includes('added_data_files_count'))
    : [];

  it('finds Java-written v2 and v3 manifests and manifest lists to compare with', () => {
    const kinds = new Set(javaFiles.map(({ meta }) => `${JSON.parse(meta['avro.schema']!).name} v${meta['format-version']}`));
    expect([...kinds].sort()).toEqual(['manifest_entry v2', 'manifest_entry v3', 'manifest_file v2', 'manifest_file v3']);
    expect(javaFiles.some(({ meta }) => meta['partition-spec'] && meta['partition-spec'] !== '[]')).toBe(true);
  });

  it('writes the same manifest_entry and manifest_file schemas, partition records included', () => {
    let compared = 0;
    for (const { path, meta } of javaFiles) {
      const theirs = JSON.parse(meta['avro.schema']!);
      const fv = Number(meta['format-version']) as 2 | 3;
      let mine: unknown;
      if (theirs.name === 'manifest_file') mine = manifestFileSchema(fv);
      else {
        const schema = schemaFromWire(SchemaWire.parse(JSON.parse(meta.schema!)));
        const spec = JSON.parse(meta['partition-spec']!) as { 'field-id': number; name: string; transform: string; 'source-id': number }[];
        mine = manifestEntrySchema(
          fv,
          spec.map((p) => ({ fieldId: p['field-id'], name: p.name, resultType: transformResultType(p.transform, findFieldById(schema, p['source-id'])!.type) })),
        );
      }
      expect(normal(mine), path).toEqual(normal(theirs));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});

describe('Avro partition records', () => {
  it('declare each named fixed type once and escape names as Java does', () => {
    const rec = partitionRecord([
      { fieldId: 1000, name: 'a', resultType: 'decimal(9,2)' },
      { fieldId: 1001, name: 'b', resultType: 'decimal(9,2)' },
      { fieldId: 1002, name: '1x.y', resultType: 'uuid' },
    ]) as { fields: { name: string; type: unknown[] }[] };
    expect(rec.fields[0]!.type[1]).toEqual({ type: 'fixed', name: 'decimal_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 });
    expect(rec.fields[1]!.type[1]).toBe('decimal_9_2');
    expect(rec.fields[2]!.name).toBe('_1x_x2Ey');
    expect(avroName('ok_name1')).toBe('ok_name1');
  });
});
