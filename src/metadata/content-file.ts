/**
 * `ContentFile`: a data file or delete file as a manifest entry records it, in the plain-JSON form
 * that scan tasks carry (see `FileScanTask`), validated by zod.
 *
 * Value encodings (chosen so that every field survives JSON):
 * - partition values use the Iceberg spec's JSON single-value serialisation (Appendix D), keyed by
 *   partition field id: int/float/double as numbers, long as a number when within ±2^53 and as a
 *   decimal string otherwise, decimal as a string (`"14.20"`), date `"2017-11-16"`, time
 *   `"22:31:08.123456"`, timestamp `"2017-11-16T22:31:08.123456"` (tz types end in `+00:00`),
 *   string as is, uuid canonical, fixed/binary as lower-case hex; null as null;
 * - column bounds keep the spec's binary single-value serialisation, base64-encoded, keyed by field id;
 * - counts, sizes, offsets and sequence numbers are JSON numbers (all far below 2^53 in practice).
 */
import { z } from 'zod';

const fieldIdKey = z.string().regex(/^-?\d+$/, 'a field id');
const countMap = z.record(fieldIdKey, z.number().int().nonnegative());
const boundMap = z.record(fieldIdKey, z.string()); // base64 of the binary single-value serialisation
const partitionValue = z.union([z.null(), z.boolean(), z.number(), z.string()]);

/** The content kinds of a content file (data file or delete file). */
export const FileContent = z.enum(['data', 'position_deletes', 'equality_deletes']);
export type FileContent = z.infer<typeof FileContent>;

/** The file formats Iceberg knows. Parquet and Avro data files and Puffin deletion vectors are read; ORC is not. */
export const FileFormat = z.enum(['parquet', 'avro', 'orc', 'puffin']);
export type FileFormat = z.infer<typeof FileFormat>;

/** A data file or delete file as recorded in a manifest entry, with inherited values resolved. */
export const ContentFile = z.object({
  content: FileContent,
  /** The location as recorded in the manifest (the scan's `FileIO` resolves moved tables). */
  path: z.string().min(1),
  format: FileFormat,
  recordCount: z.number().int().nonnegative(),
  fileSizeInBytes: z.number().int().nonnegative(),
  specId: z.number().int(),
  /** Partition values keyed by partition field id (JSON single-value form). */
  partition: z.record(fieldIdKey, partitionValue).default({}),
  columnSizes: countMap.optional(),
  valueCounts: countMap.optional(),
  nullValueCounts: countMap.optional(),
  nanValueCounts: countMap.optional(),
  lowerBounds: boundMap.optional(),
  upperBounds: boundMap.optional(),
  splitOffsets: z.array(z.number().int().nonnegative()).optional(),
  /** Equality delete files: the field ids compared. */
  equalityIds: z.array(z.number().int()).optional(),
  sortOrderId: z.number().int().optional(),
  /** Data sequence number (inherited from the manifest entry / manifest when null there). */
  sequenceNumber: z.number().int().nonnegative().optional(),
  /** File sequence number. */
  fileSequenceNumber: z.number().int().nonnegative().optional(),
  /** v3: row id of the first row (inherited), null when unknown. */
  firstRowId: z.number().int().nonnegative().nullable().optional(),
  /** Position delete files and deletion vectors: the single data file they apply to. */
  referencedDataFile: z.string().optional(),
  /** Deletion vectors: the blob's offset and length inside the Puffin file. */
  contentOffset: z.number().int().nonnegative().optional(),
  contentSizeInBytes: z.number().int().nonnegative().optional(),
});
export type ContentFile = z.infer<typeof ContentFile>;
/** A data file of a task (`content: 'data'`), as recorded in its manifest entry. */
export type DataFile = ContentFile;
/** A delete file of a task (`content: 'position_deletes'` or `'equality_deletes'`; a Puffin deletion vector has `format: 'puffin'`). */
export type DeleteFile = ContentFile;
