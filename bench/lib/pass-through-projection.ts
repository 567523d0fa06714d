/**
 * Benchmark projection: decodes every top-level column and passes decoded batches through
 * unchanged, so benchmarks measure the read path, not reshaping.
 */
import type { Schema } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import type { ProjectionPlanner } from '../../src/task/file-projection.ts';

/** A planner reading the given top-level columns of every file as they are. */
export function passThroughProjection(schema: Schema): ProjectionPlanner {
  const columns = schema.fields.map((f) => f.name);
  return {
    schema,
    outputColumns: columns.length,
    forFile: (_task, _footer: FileMetaData) => ({
      columns,
      project: (decoded, _first, _n) => {
        if (decoded === undefined) throw new Error('pass-through projection needs decoded columns');
        return decoded;
      },
    }),
  };
}
