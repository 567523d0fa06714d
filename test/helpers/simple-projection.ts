/**
 * Test helper: a minimal `ProjectionPlanner` that matches top-level columns by Parquet field id and
 * renames them to the table's names (the real planner, with evolution rules, lives in src/projection).
 */
import * as arrow from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import type { FileProjection, ProjectionPlanner } from '../../src/task/file-projection.ts';
import type { FileScanTask } from '../../src/task/file-scan-task.ts';

/** One output column: Iceberg field id, output name and Arrow type. */
export interface SimpleColumn {
  readonly id: number;
  readonly name: string;
  readonly type: arrow.DataType;
}

/**
 * Plans by field id: a file column whose `field_id` matches is decoded and renamed; a missing one is
 * filled with nulls. `helpers` extra columns are appended after `outputColumns`.
 */
export function simpleProjection(columns: readonly SimpleColumn[], outputColumns = columns.length): ProjectionPlanner {
  const schema = new arrow.Schema(columns.map((c) => new arrow.Field(c.name, c.type, true)));
  return {
    schema,
    outputColumns,
    forFile(_task: FileScanTask, footer: FileMetaData): FileProjection {
      const byId = new Map<number, string>();
      // Top-level schema elements follow the root; nested children are skipped by counting.
      let i = 1;
      const root = footer.schema[0]!;
      for (let k = 0; k < (root.num_children ?? 0); k++) {
        const e = footer.schema[i]!;
        if (e.field_id !== undefined) byId.set(e.field_id, e.name);
        i += 1 + countDescendants(footer, i);
      }
      const fileNames = columns.map((c) => byId.get(c.id));
      const read = fileNames.filter((n): n is string => n !== undefined);
      return {
        columns: read,
        project(decoded, _first, numRows, rowOffsets) {
          const n = decoded?.numRows ?? rowOffsets?.length ?? numRows;
          const children = columns.map((c, k) => {
            const name = fileNames[k];
            const v = name !== undefined ? decoded?.getChild(name) : null;
            return v ? v.data[0]! : arrow.vectorFromArray(new Array(n).fill(null), c.type).data[0]!;
          });
          const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
          return new arrow.RecordBatch(schema, data);
        },
      };
    },
  };
}

function countDescendants(footer: FileMetaData, index: number): number {
  const n = footer.schema[index]!.num_children ?? 0;
  let total = 0;
  let i = index + 1;
  for (let k = 0; k < n; k++) {
    const d = 1 + countDescendants(footer, i);
    total += d;
    i += d;
  }
  return total;
}
