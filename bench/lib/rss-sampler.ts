/**
 * Peak-RSS sampling for benchmarks: a 5 ms interval plus explicit samples (e.g. per batch).
 */

/** Samples `process.memoryUsage.rss()` and keeps the maximum. */
export class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Starts interval sampling every `ms` milliseconds. */
  start(ms = 5): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), ms);
    return this;
  }

  /** Takes one sample now. */
  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  /** Stops interval sampling and returns the peak. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** Runs gc (when exposed) a few times and returns the settled RSS. */
export async function settledRss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage.rss();
}

/** Bytes held by a record batch's buffers. */
export function batchBytes(batch: { data: { children: readonly unknown[] } }): number {
  let n = 0;
  const walk = (d: { values?: ArrayLike<unknown> & { byteLength?: number }; valueOffsets?: { byteLength: number }; nullBitmap?: { byteLength: number }; children?: readonly unknown[] }): void => {
    n += d.values?.byteLength ?? 0;
    n += d.valueOffsets?.byteLength ?? 0;
    n += d.nullBitmap?.byteLength ?? 0;
    for (const c of d.children ?? []) walk(c as typeof d);
  };
  for (const c of batch.data.children) walk(c as Parameters<typeof walk>[0]);
  return n;
}
