/**
 * Test helper: a builder table whose metadata versions are published one at a time, as commits
 * landing while a watch polls. `buildTable` writes every version at once; the later
 * `vN.metadata.json` files are moved aside and put back (with `version-hint.text`) by `publish`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable, TableDescription } from '../builder/table-description.ts';

/**
 * A built table with only the metadata of its first steps published. Steps count from 1 (the
 * metadata written after step n); the creation metadata (`v1`, no snapshot) is step 0.
 */
export interface StagedTable {
  readonly built: BuiltTable;
  /** Publishes the metadata up to step `step` (the hint last, as a writer does). */
  publish(step: number): void;
  /** Writes step `step`'s metadata file half-written and points the hint at it. */
  publishTorn(step: number): void;
}

/** Builds `description` into `dir` and hides the metadata of every step after `visibleSteps`. */
export async function stagedTable(dir: string, description: TableDescription, visibleSteps: number): Promise<StagedTable> {
  const built = await buildTable(dir, description);
  const offset = built.metadataFiles.length - description.steps.length;
  const visible = visibleSteps + offset;
  const metadataDir = join(dir, 'metadata');
  const aside = join(dir, 'unpublished');
  mkdirSync(aside, { recursive: true });
  const files = built.metadataFiles.map((f) => basename(f));
  const versionOf = (name: string) => Number(/^v(\d+)\.metadata\.json$/.exec(name)?.[1]);
  for (const f of files) if (versionOf(f) > visible) renameSync(join(metadataDir, f), join(aside, f));
  writeFileSync(join(metadataDir, 'version-hint.text'), String(visible));
  let published = visible;
  return {
    built,
    publish(step) {
      const version = step + offset;
      for (const f of files) {
        const v = versionOf(f);
        if (v > published && v <= version) renameSync(join(aside, f), join(metadataDir, f));
      }
      published = Math.max(published, version);
      writeFileSync(join(metadataDir, 'version-hint.text'), String(published));
    },
    publishTorn(step) {
      const version = step + offset;
      const text = readFileSync(join(aside, `v${version}.metadata.json`), 'utf8');
      writeFileSync(join(metadataDir, `v${version}.metadata.json`), text.slice(0, Math.floor(text.length / 2)));
      writeFileSync(join(metadataDir, 'version-hint.text'), String(version));
    },
  };
}
