import { describe, expect, it } from 'vitest';
import { RequestLimiter } from '../../../src/io/request-limiter.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('RequestLimiter', () => {
  it('never runs more than maxRequests at once, and runs them all in arrival order', async () => {
    const limiter = new RequestLimiter(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          active += 1;
          peak = Math.max(peak, active);
          await tick();
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a failed request', async () => {
    const limiter = new RequestLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 7)).resolves.toBe(7);
  });

  it('a waiting request whose signal aborts leaves the queue with aborted and never runs', async () => {
    const limiter = new RequestLimiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(async () => void (ran = true), controller.signal);
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'aborted' });
    release();
    await first;
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
    expect(ran).toBe(false);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new RequestLimiter(0)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
