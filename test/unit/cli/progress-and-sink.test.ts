import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutputSink } from '../../../src/cli/output-sink.ts';
import { formatBytes, formatCount, progressLine, startProgress } from '../../../src/cli/progress-display.ts';

describe('progress display', () => {
  it('formats counts, bytes and the line with a files bar when the total is known', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    const line = progressLine({ rows: 200_000, bytes: 4 * 1024 * 1024, filesDone: 2, filesTotal: 8 }, 2, 200);
    expect(line).toBe('[█████░░░░░░░░░░░░░░░] 200,000 rows · 4.0 MB · 2/8 files · 100,000 rows/s · 2.0 MB/s');
    expect(progressLine({ rows: 5, bytes: 0, filesDone: 1 }, 0)).toBe('5 rows · 0 B · 1 files · 0 rows/s · 0 B/s');
  });

  it('draws on the stream and erases its line when stopped', () => {
    const writes: string[] = [];
    const display = startProgress({ write: (t: string) => writes.push(t), columns: 100 }, () => ({ rows: 1, bytes: 2, filesDone: 0 }), 10_000);
    display.stop();
    expect(writes[0]).toMatch(/^\r\x1b\[2K. 1 rows/);
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });
});

describe('createOutputSink', () => {
  it('writes through with backpressure', async () => {
    const out = new PassThrough({ highWaterMark: 4 });
    const chunks: string[] = [];
    const sink = createOutputSink(out);
    const writing = (async () => {
      for (const c of ['aaaa', 'bbbb', 'cccc']) await sink.write(c);
      await sink.end();
    })();
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    await writing;
    expect(chunks.join('')).toBe('aaaabbbbcccc');
    expect(sink.closed).toBe(false);
  });

  it('turns EPIPE into a quiet close: aborts its signal and ignores later writes', async () => {
    const broken = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = createOutputSink(broken);
    await sink.write('x');
    await new Promise((r) => setImmediate(r));
    expect(sink.closed).toBe(true);
    expect(sink.signal.aborted).toBe(true);
    await expect(sink.write('more')).resolves.toBeUndefined();
    await expect(sink.end()).resolves.toBeUndefined();
  });

  it('rethrows other stream errors', async () => {
    const failing = new Writable({
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
      },
    });
    const sink = createOutputSink(failing);
    const writes = (async () => {
      await sink.write('x');
      await new Promise((r) => setImmediate(r));
      await sink.write('y');
    })();
    await expect(writes).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(sink.closed).toBe(false);
  });
});
