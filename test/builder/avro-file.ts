/**
 * Writes Avro object container files with avsc for the table builder: the exact schema JSON goes
 * into the header (field ids included) and longs are exact (bigint accepted).
 */
import avsc from 'avsc';
import { BigIntLongType as exactLong } from '../../src/metadata/avro-long.ts';

/** Parses an Avro schema with exact (bigint) longs. */
export function avroType(schema: unknown): avsc.Type {
  return avsc.Type.forSchema(schema as avsc.Schema, { registry: { long: exactLong } as never });
}

/** Encodes `records` as a complete Avro container file. */
export function encodeAvroFile(
  schema: unknown,
  records: readonly unknown[],
  metadata: Readonly<Record<string, string>>,
  codec: 'deflate' | 'null',
  syncMarker: Uint8Array,
): Promise<Buffer> {
  const meta: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(metadata)) meta[k] = Buffer.from(v, 'utf8');
  return encodeVerbatim(avroType(schema), schema, records, { codec, metadata: meta, syncMarker: Buffer.from(syncMarker) });
}

/**
 * Encodes `records` with avsc's block encoder (`options`: codec, codecs, blockSize, metadata,
 * syncMarker), writing `schema` into the header exactly as given: avsc would re-export it from the
 * parsed type and lose the Iceberg field-id properties.
 */
export function encodeVerbatim(type: avsc.Type, schema: unknown, records: readonly unknown[], options: Record<string, unknown>): Promise<Buffer> {
  const encoder = new avsc.streams.BlockEncoder(type, { ...options, writeHeader: 'never' } as never);
  const internals = encoder as unknown as { _schema: unknown; _writeHeader(): void };
  internals._schema = schema;
  internals._writeHeader();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    encoder.on('data', (c: Buffer) => chunks.push(c));
    encoder.on('error', reject);
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    for (const r of records) encoder.write(r);
    encoder.end();
  });
}
