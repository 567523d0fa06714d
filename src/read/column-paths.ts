/**
 * Validates projected column paths against a file's Parquet schema before the decoder sees them:
 * an unknown path would select no leaf column (a column silently missing), and a path into a map's
 * key or value would split the map's entries.
 */
import { parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { IcebergScanError } from '../errors.ts';

/**
 * Throws unless every path names a node of the file schema (top-level name or dotted path) that
 * does not lie inside a map.
 *
 * @throws IcebergScanError `data_invalid` naming the file and the column.
 */
export function validateColumnPaths(footer: FileMetaData, columns: readonly string[], path: string): void {
  const root = parquetSchema(footer);
  for (const column of columns) {
    let node: SchemaTree | undefined = root;
    let insideMap = false;
    for (const name of column.split('.')) {
      if (insideMap) {
        throw new IcebergScanError('data_invalid', `column ${column} projects part of a map`, {
          path,
          expected: 'maps projected whole',
          context: { column },
        });
      }
      node = node.children.find((c) => c.element.name === name);
      if (node === undefined) {
        throw new IcebergScanError('data_invalid', `column ${column} is not in the file`, {
          path,
          expected: `one of ${root.children.map((c) => c.element.name).join(', ')}`,
          context: { column },
        });
      }
      insideMap = isMap(node);
    }
  }
}

function isMap(node: SchemaTree): boolean {
  const e = node.element;
  return e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE' || e.logical_type?.type === 'MAP';
}
