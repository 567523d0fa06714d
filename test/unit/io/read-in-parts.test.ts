import { describe, expect, it } from 'vitest';
import { readInParts } from '../../../src/io/read-in-parts.ts';

const source = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251);

describe('readInParts', () => {
  it('a range within partBytes is one read', async () => {
    const calls: Array<[number, number]> = [];
    const bytes = await readInParts(10, 110, 100, undefined, async (s, e) => (calls.push([s, e]), source.slice(s, e)));
    expect(calls).toEqual([[10, 110]]);
    expect(bytes).toEqual(source.slice(10, 110));
  });

  it('a longer range is read as equal parts of at most partBytes and reassembled', async () => {
    const calls: Array<[number, number]> = [];
    const bytes = await readInParts(5, 995, 300, undefined, async (s, e) => {
      calls.push([s, e]);
      await new Promise((r) => setTimeout(r, (1000 - s) % 7)); // parts settle out of order
      return source.slice(s, e);
    });
    expect(calls).toEqual([[5, 253], [253, 501], [501, 749], [749, 995]]);
    expect(bytes).toEqual(source.slice(5, 995));
  });

  it('the first failing part aborts the others and its error is thrown', async () => {
    const aborted: number[] = [];
    const error = await readInParts(0, 1000, 250, undefined, (s, _e, signal) =>
      s === 250
        ? Promise.reject(new Error('part failed'))
        : new Promise((_, reject) => signal!.addEventListener('abort', () => (aborted.push(s), reject(new Error('aborted'))))),
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe('part failed');
    expect(aborted.sort((a, b) => a - b)).toEqual([0, 500, 750]);
  });
});
