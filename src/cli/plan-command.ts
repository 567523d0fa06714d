/**
 * `iceberg-rx plan`: streams the file tasks a scan would read (data file, size, record count,
 * partition, attached delete files) as planning produces them, then what pruning removed.
 */
import { commandScanOptions, loadCommandTable } from './command-table.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { describeError, exitCodeOf, EXIT_OK } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { createOutputSink } from './output-sink.ts';
import type { PlanCommandOptions } from './parse-command-line.ts';
import { formatBytes, formatCount } from './progress-display.ts';
import { isIcebergScanError } from '../errors.ts';

/** Totals printed after the tasks. */
export interface PlanSummary {
  readonly tasks: number;
  readonly dataBytes: number;
  readonly records: number;
  readonly deleteFiles: number;
  readonly pruned: { manifests: number; dataFiles: number; deleteFiles: number; rowGroups: number };
  readonly snapshotId?: string;
}

function shortPath(path: string, location: string): string {
  const root = location.replace(/\/+$/, '');
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

function deletesText(task: FileScanTask): string {
  if (task.deletes.length === 0) return '';
  const kinds = { position: 0, equality: 0, dv: 0 };
  for (const d of task.deletes) {
    if (d.format === 'puffin') kinds.dv++;
    else if (d.content === 'equality_deletes') kinds.equality++;
    else kinds.position++;
  }
  const parts = Object.entries(kinds).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return `  deletes: ${parts.join(', ')}`;
}

/** One text line of a task. */
export function taskLine(task: FileScanTask, location: string): string {
  const f = task.dataFile;
  const partition = Object.keys(f.partition).length > 0 ? `  partition ${JSON.stringify(f.partition)}` : '';
  const split = task.start !== undefined ? `  split ${task.start}+${task.length ?? '?'}` : '';
  return `${shortPath(f.path, location)}  ${f.format}  ${formatBytes(f.fileSizeInBytes)}  ${formatCount(f.recordCount)} rows${partition}${split}${deletesText(task)}`;
}

/** Runs `plan`; resolves with the exit code. */
export async function runPlan(options: PlanCommandOptions, env: CliEnv): Promise<number> {
  const sink = createOutputSink(env.stdout);
  try {
    const table = await loadCommandTable(options);
    const scan = table.scan(commandScanOptions(options, sink.signal));
    const location = table.metadata.location;
    let tasks = 0;
    let dataBytes = 0;
    let records = 0;
    const deleteFiles = new Set<string>();
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = scan.planFiles().subscribe({
        next: (task) => {
          tasks++;
          dataBytes += task.dataFile.fileSizeInBytes;
          records += task.dataFile.recordCount;
          for (const d of task.deletes) deleteFiles.add(d.path);
          lines.push(options.json ? JSON.stringify(task) : taskLine(task, location));
          if (lines.length >= 256) {
            const text = `${lines.join('\n')}\n`;
            lines.length = 0;
            void sink.write(text).catch(reject);
            if (sink.closed) sub.unsubscribe();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    if (lines.length > 0) await sink.write(`${lines.join('\n')}\n`);
    const summary: PlanSummary = {
      tasks,
      dataBytes,
      records,
      deleteFiles: deleteFiles.size,
      pruned: { ...scan.stats.pruned },
      ...(scan.snapshot !== undefined ? { snapshotId: scan.snapshot.snapshotId } : {}),
    };
    if (options.json) {
      await sink.write(`${JSON.stringify({ summary })}\n`);
    } else {
      const snap = summary.snapshotId !== undefined ? `snapshot ${summary.snapshotId}` : 'no snapshot';
      const p = summary.pruned;
      await sink.write(
        `${tasks === 0 ? '' : '\n'}${snap}: ${formatCount(tasks)} tasks, ${formatBytes(dataBytes)}, ${formatCount(records)} records, ` +
          `${deleteFiles.size} delete files attached\n` +
          `pruned: ${p.manifests} manifests, ${p.dataFiles} data files, ${p.deleteFiles} delete files\n`,
      );
    }
    await sink.end();
    return EXIT_OK;
  } catch (error) {
    if (sink.closed && (!isIcebergScanError(error) || error.code === 'aborted')) return EXIT_OK;
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}
