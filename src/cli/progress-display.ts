/**
 * A one-line progress display for stderr when it is a terminal: rows, bytes, files done/total and
 * throughput, redrawn a few times a second and erased when the scan ends.
 */

/** What the display shows; read on every redraw. */
export interface ProgressState {
  readonly rows: number;
  readonly bytes: number;
  readonly filesDone: number;
  /** Total files to read, when known. */
  readonly filesTotal?: number;
}

/** A running display. */
export interface ProgressDisplay {
  /** Erases the line now (before other output goes to the same terminal); the next redraw brings it back. */
  clear(): void;
  /** Stops redrawing and erases the line. */
  stop(): void;
}

/** The stream the display draws on (a TTY `process.stderr`). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number;
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes in B / KB / MB / GB (powers of 1024, one decimal). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** The progress line for `state` after `seconds` (no spinner, no escape codes). */
export function progressLine(state: ProgressState, seconds: number, width = 80): string {
  const rate = seconds > 0 ? state.rows / seconds : 0;
  const byteRate = seconds > 0 ? state.bytes / seconds : 0;
  const files = state.filesTotal !== undefined ? `${state.filesDone}/${state.filesTotal} files` : `${state.filesDone} files`;
  let bar = '';
  if (state.filesTotal !== undefined && state.filesTotal > 0) {
    const cells = 20;
    const done = Math.min(cells, Math.round((state.filesDone / state.filesTotal) * cells));
    bar = `[${'█'.repeat(done)}${'░'.repeat(cells - done)}] `;
  }
  const line = `${bar}${formatCount(state.rows)} rows · ${formatBytes(state.bytes)} · ${files} · ${formatCount(rate)} rows/s · ${formatBytes(byteRate)}/s`;
  return line.length > width - 3 ? line.slice(0, width - 3) : line;
}

/** Starts redrawing `read()` on `stream` every `intervalMs` (default 100 ms). */
export function startProgress(stream: ProgressStream, read: () => ProgressState, intervalMs = 100): ProgressDisplay {
  const started = performance.now();
  let frame = 0;
  const draw = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const width = stream.columns ?? 80;
    stream.write(`\r\x1b[2K${SPINNER[frame++ % SPINNER.length]} ${progressLine(read(), seconds, width - 2)}`);
  };
  const timer = setInterval(draw, intervalMs);
  timer.unref();
  draw();
  let stopped = false;
  return {
    clear() {
      if (!stopped) stream.write('\r\x1b[2K');
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
