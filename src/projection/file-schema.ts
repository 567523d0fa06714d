/**
 * A data file's Parquet schema as a tree with resolved Iceberg field ids: embedded ids when the file
 * has any (Java's rule), else the table's name mapping, else fallback positional ids.
 */
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { IcebergScanError } from '../errors.ts';
import { findMappedField, type NameMapping } from '../metadata/name-mapping.ts';

/** How a file's field ids were found. */
export type IdSource = 'embedded' | 'name-mapping' | 'fallback';

/** One node of a file schema. */
export interface FileNode {
  /** The physical name in the file (e.g. Spark's escaped `Breed_x20Name`). */
  readonly name: string;
  /** Physical path from the root (the leaf columns it selects are found by this path). */
  readonly path: readonly string[];
  readonly element: SchemaElement;
  readonly kind: 'primitive' | 'struct' | 'list' | 'map';
  /** Struct children (empty otherwise). */
  readonly children: readonly FileNode[];
  /** List element node. */
  readonly elementNode?: FileNode;
  /** Map key / value nodes. */
  readonly key?: FileNode;
  readonly value?: FileNode;
  /** The resolved Iceberg field id, when the node has one. */
  id?: number;
}

/** A file schema tree: its top-level fields and how ids were resolved. */
export interface FileSchema {
  readonly fields: readonly FileNode[];
  readonly idSource: IdSource;
}

/** True when any field of the file carries a Parquet field id (Java `ParquetSchemaUtil.hasIds`). */
export function hasFieldIds(footer: FileMetaData): boolean {
  return footer.schema.slice(1).some((e) => e.field_id !== undefined && e.field_id !== null);
}

/** Builds the file's schema tree and assigns Iceberg field ids. */
export function resolveFileSchema(footer: FileMetaData, nameMapping: NameMapping | undefined, path: string): FileSchema {
  const elements = footer.schema;
  if (!elements.length) {
    throw new IcebergScanError('data_invalid', 'projection: Parquet footer has no schema', { path, expected: 'a root schema element' });
  }
  let next = 1;
  const build = (prefix: readonly string[]): FileNode => {
    const el = elements[next++];
    if (!el) throw new IcebergScanError('data_invalid', 'projection: truncated Parquet schema', { path, expected: 'num_children elements' });
    const nodePath = [...prefix, el.name];
    const kids: FileNode[] = [];
    for (let i = 0; i < (el.num_children ?? 0); i++) kids.push(build(nodePath));
    return shapeNode(el, nodePath, kids);
  };
  const fields: FileNode[] = [];
  for (let i = 0; i < (elements[0].num_children ?? 0); i++) fields.push(build([]));

  if (hasFieldIds(footer)) {
    for (const f of fields) assignEmbedded(f);
    return { fields, idSource: 'embedded' };
  }
  if (nameMapping) {
    for (const f of fields) assignMapped(f, findMappedField(nameMapping, f.name));
    return { fields, idSource: 'name-mapping' };
  }
  fields.forEach((f, i) => { f.id = i + 1; });
  return { fields, idSource: 'fallback' };
}

function isGroup(el: SchemaElement): boolean {
  return el.type === undefined;
}

function shapeNode(el: SchemaElement, path: readonly string[], kids: FileNode[]): FileNode {
  if (!isGroup(el)) return { name: el.name, path, element: el, kind: 'primitive', children: [] };
  const annotation = el.logical_type?.type ?? el.converted_type;
  const only = kids.length === 1 ? kids[0] : undefined;
  if (annotation === 'LIST' && only && only.element.repetition_type === 'REPEATED') {
    return { name: el.name, path, element: el, kind: 'list', children: [], elementNode: listElement(el.name, only) };
  }
  const isMapAnnotation = annotation === 'MAP' || annotation === 'MAP_KEY_VALUE';
  const repeatedKv = only && only.element.repetition_type === 'REPEATED' && only.children.length === 2 ? only : undefined;
  // Hive writers annotate the repeated key_value group (MAP_KEY_VALUE) instead of, or as well as, the map group.
  if (repeatedKv && (isMapAnnotation || repeatedKv.element.converted_type === 'MAP_KEY_VALUE')) {
    return { name: el.name, path, element: el, kind: 'map', children: [], key: repeatedKv.children[0], value: repeatedKv.children[1] };
  }
  return { name: el.name, path, element: el, kind: 'struct', children: kids };
}

/** Parquet's backward-compatibility rules for the element of a LIST group. */
function listElement(listName: string, repeated: FileNode): FileNode {
  if (repeated.kind !== 'struct') return repeated; // 2-level list of primitives (or nested list/map)
  if (repeated.children.length !== 1) return repeated; // 2-level list of structs
  if (repeated.name === 'array' || repeated.name === `${listName}_tuple`) return repeated;
  return repeated.children[0]; // standard 3-level list
}

function assignEmbedded(node: FileNode): void {
  const id = node.element.field_id;
  if (id !== undefined && id !== null) node.id = id;
  for (const c of childNodes(node)) assignEmbedded(c);
}

function assignMapped(node: FileNode, mapped: ReturnType<typeof findMappedField>): void {
  if (!mapped) return;
  if (mapped.fieldId !== undefined) node.id = mapped.fieldId;
  const sub = mapped.fields;
  if (node.kind === 'struct') for (const c of node.children) assignMapped(c, findMappedField(sub, c.name));
  else if (node.kind === 'list' && node.elementNode) assignMapped(node.elementNode, findMappedField(sub, 'element'));
  else if (node.kind === 'map') {
    if (node.key) assignMapped(node.key, findMappedField(sub, 'key'));
    if (node.value) assignMapped(node.value, findMappedField(sub, 'value'));
  }
}

/** The logical children of a node: struct fields, list element, map key and value. */
export function childNodes(node: FileNode): FileNode[] {
  if (node.kind === 'struct') return [...node.children];
  if (node.kind === 'list') return node.elementNode ? [node.elementNode] : [];
  if (node.kind === 'map') return [node.key, node.value].filter((n): n is FileNode => n !== undefined);
  return [];
}

/** The first primitive leaf path under a node (used to recover a struct's validity cheaply). */
export function firstLeafPath(node: FileNode): readonly string[] {
  if (node.kind === 'struct' && node.children.length) return firstLeafPath(node.children[0]);
  return node.path;
}
