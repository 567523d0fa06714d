/**
 * `FileScanTask`: the unit of work between planning and reading. Plain JSON, validated by zod, so a
 * plan made on one machine can be scanned on another: `JSON.parse(JSON.stringify(task))` scans the
 * same as `task`. Its files are `ContentFile`s (see there for how values are encoded).
 */
import { z } from 'zod';
import { ContentFile } from '../metadata/content-file.ts';

/** One unit of scan work: a data file (or a byte split of it) and the delete files that apply to it. */
export const FileScanTask = z.object({
  dataFile: ContentFile,
  /**
   * Optional byte split of the data file. A row group belongs to the split that holds its midpoint,
   * so the splits of one file read every row group exactly once.
   */
  start: z.number().int().nonnegative().optional(),
  length: z.number().int().nonnegative().optional(),
  /** Delete files that apply to this data file, already matched by the spec's rules. */
  deletes: z.array(ContentFile).default([]),
  /** The residual row filter (expression JSON) left after partition pruning; absent means "all rows". */
  residual: z.unknown().optional(),
});
export type FileScanTask = z.infer<typeof FileScanTask>;
/** What callers may pass: defaults (empty deletes and partition) may be omitted. */
export type FileScanTaskInput = z.input<typeof FileScanTask>;
