/** A schema with a column of every primitive type, shared by the expression tests. */
import type { Schema } from '../../../src/metadata/schema.ts';

/** Field ids: 1 id long (required), 2 name, 3 Amount decimal(9,3), 4 ts timestamptz, 5 d date, 6 f double, 7 'odd col' int, 8 s struct{9 inner int}, 10 l list, 12 u uuid, 13 b binary, 14 tn timestamp_ns, 15 fx fixed[2], 16 t time, 17 flag, 18 i int, 19 fl float. */
export const SCHEMA: Schema = {
  type: 'struct',
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'Amount', required: false, type: 'decimal(9,3)' },
    { id: 4, name: 'ts', required: false, type: 'timestamptz' },
    { id: 5, name: 'd', required: false, type: 'date' },
    { id: 6, name: 'f', required: false, type: 'double' },
    { id: 7, name: 'odd col', required: false, type: 'int' },
    { id: 8, name: 's', required: false, type: { type: 'struct', fields: [{ id: 9, name: 'inner', required: false, type: 'int' }] } },
    { id: 10, name: 'l', required: false, type: { type: 'list', elementId: 11, elementRequired: false, element: 'int' } },
    { id: 12, name: 'u', required: false, type: 'uuid' },
    { id: 13, name: 'b', required: false, type: 'binary' },
    { id: 14, name: 'tn', required: false, type: 'timestamp_ns' },
    { id: 15, name: 'fx', required: false, type: 'fixed[2]' },
    { id: 16, name: 't', required: false, type: 'time' },
    { id: 17, name: 'flag', required: false, type: 'boolean' },
    { id: 18, name: 'i', required: false, type: 'int' },
    { id: 19, name: 'fl', required: false, type: 'float' },
  ],
};
