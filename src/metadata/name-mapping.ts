/**
 * The table property `schema.name-mapping.default`: fallback field ids for data files written
 * without them (Hive/Impala migrations, `add_files`), parsed once into a lookup tree.
 */
import { z } from 'zod';
import { IcebergScanError } from '../errors.ts';

/** The table property that holds the default name mapping (JSON text). */
export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default';

/** One mapped field: the names it may have in a file (aliases), its field id, and mapped children. */
export interface MappedField {
  /** Field id to assign; absent for file fields the table does not know (they are not read). */
  readonly fieldId?: number;
  /** Every name this field may carry in a data file. A `.` inside a name is literal. */
  readonly names: readonly string[];
  /** Children: struct fields, list `element`, map `key` / `value`. */
  readonly fields: NameMapping;
}

/** A name mapping: the mapped fields of one struct level. */
export type NameMapping = readonly MappedField[];

type WireMappedField = { 'field-id'?: number | null; names?: string[]; fields?: WireMappedField[] | null };

const wireMappedField: z.ZodType<WireMappedField> = z.lazy(() =>
  z.object({
    'field-id': z.number().int().nullable().optional(),
    names: z.array(z.string()).optional(),
    fields: z.array(wireMappedField).nullable().optional(),
  }),
);

/** The zod schema of the name mapping JSON (a list of field mappings). */
export const NameMappingWire = z.array(wireMappedField);

function fromWire(fields: readonly WireMappedField[]): NameMapping {
  return fields.map((f) => {
    const out: { fieldId?: number; names: string[]; fields: NameMapping } = {
      names: f.names ?? [],
      fields: fromWire(f.fields ?? []),
    };
    if (f['field-id'] !== undefined && f['field-id'] !== null) out.fieldId = f['field-id'];
    return out;
  });
}

/**
 * Parses a name mapping from its JSON text (the table property value) or an already parsed value.
 * Throws `IcebergScanError('data_invalid')` when the JSON does not follow the spec.
 */
export function parseNameMapping(json: string | unknown): NameMapping {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new IcebergScanError('data_invalid', `name mapping: not valid JSON`, {
        expected: 'a JSON list of field mappings', cause, context: { property: NAME_MAPPING_PROPERTY },
      });
    }
  }
  const parsed = NameMappingWire.safeParse(value);
  if (!parsed.success) {
    throw new IcebergScanError('data_invalid', `name mapping: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      expected: 'a list of {names, field-id?, fields?} objects', cause: parsed.error,
      context: { property: NAME_MAPPING_PROPERTY },
    });
  }
  return fromWire(parsed.data);
}

/** The name mapping of a table's properties, or undefined when the property is not set. */
export function nameMappingFromProperties(properties: Readonly<Record<string, string>>): NameMapping | undefined {
  const text = properties[NAME_MAPPING_PROPERTY];
  return text === undefined ? undefined : parseNameMapping(text);
}

/** The mapped field for a file field name at one level (exact, case-sensitive name or alias match). */
export function findMappedField(mapping: NameMapping, name: string): MappedField | undefined {
  return mapping.find((f) => f.names.includes(name));
}
