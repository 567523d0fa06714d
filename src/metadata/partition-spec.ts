/**
 * Partition specs: the zod wire form of the spec's JSON (v1 legacy and v2/v3 forms) and the domain
 * model, plus the result type of a partition field's transform.
 */
import { z } from 'zod';
import { findFieldById, type IcebergType, type StructType } from './schema.ts';

/** One field of a partition spec. */
export interface PartitionField {
  /** Source column id (the first of `sourceIds` for multi-argument transforms). */
  readonly sourceId: number;
  /** v3: all source column ids of a multi-argument transform. */
  readonly sourceIds?: readonly number[];
  /** Partition field id (1000+ in Java-written tables). */
  readonly fieldId: number;
  readonly name: string;
  /** Transform as the spec spells it: `identity`, `bucket[16]`, `truncate[4]`, `day`, `void`... */
  readonly transform: string;
}

/** A partition spec. An unpartitioned spec has no fields. */
export interface PartitionSpec {
  readonly specId: number;
  readonly fields: readonly PartitionField[];
}

/** First partition field id assigned to v1 specs that omit field ids (the spec's rule). */
export const PARTITION_DATA_ID_START = 1000;

const wirePartitionField = z.object({
  'source-id': z.number().int().optional(),
  'source-ids': z.array(z.number().int()).optional(),
  'field-id': z.number().int().optional(),
  name: z.string(),
  transform: z.string(),
});

/** The zod schema of a partition spec object (`partition-specs[]`). */
export const PartitionSpecWire = z.object({
  'spec-id': z.number().int().optional(),
  fields: z.array(wirePartitionField),
});

/** The zod schema of the v1 legacy `partition-spec` field (a bare field list). */
export const LegacyPartitionSpecWire = z.array(wirePartitionField);

/**
 * Converts wire partition fields into a domain spec. Fields without `field-id` get ids from 1000
 * in order, as v1 readers must.
 */
export function partitionSpecFromWire(specId: number, fields: z.infer<typeof wirePartitionField>[]): PartitionSpec {
  return {
    specId,
    fields: fields.map((f, i) => {
      const sourceIds = f['source-ids'];
      const sourceId = f['source-id'] ?? sourceIds?.[0] ?? -1;
      const out: PartitionField = {
        sourceId,
        fieldId: f['field-id'] ?? PARTITION_DATA_ID_START + i,
        name: f.name,
        transform: f.transform,
        ...(sourceIds !== undefined ? { sourceIds } : {}),
      };
      return out;
    }),
  };
}

/** True when the spec has no field, or only `void` fields: its delete files apply globally. */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => f.transform === 'void');
}

/**
 * The Iceberg type of a partition field's values: `int` for bucket and the date/time transforms,
 * the source type for identity, truncate and void. `undefined` when the source column is unknown
 * or the transform is not one the spec defines.
 *
 * @param field The partition field.
 * @param schemas Schemas to look the source column up in, most relevant first.
 */
export function partitionResultType(field: PartitionField, schemas: readonly StructType[]): IcebergType | undefined {
  const t = field.transform.trim().toLowerCase();
  if (t.startsWith('bucket') || t === 'year' || t === 'month' || t === 'day' || t === 'hour') {
    return 'int';
  }
  if (t === 'identity' || t.startsWith('truncate') || t === 'void') {
    for (const s of schemas) {
      const source = findFieldById(s, field.sourceId);
      if (source !== undefined) return source.type;
    }
  }
  return undefined;
}
