/**
 * `ReadAhead`: the bytes bound, grants in scan order, the earliest row group never held back, the
 * limit rules (started rows, open earlier tasks), abort — as examples, and as a property checked
 * against a model over random schedules of acquire / decoded / finished / dropped / abort /
 * openTask / closeTask.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { ReadAhead, type ReadAheadGrant } from '../../../src/read/read-ahead.ts';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const never = new AbortController().signal;

/** Acquires and records when the grant arrives. */
function track(ra: ReadAhead, order: [number, number], bytes: number, rows: number, signal = never) {
  const t: { grant?: ReadAheadGrant; error?: unknown } = {};
  ra.acquire(order, bytes, rows, signal).then((g) => (t.grant = g), (e) => (t.error = e));
  return t;
}

describe('ReadAhead: examples', () => {
  it('grants while the bytes fit; decoded() frees them for the next row group', async () => {
    const ra = new ReadAhead(100);
    const a = track(ra, [0, 0], 60, 10);
    const b = track(ra, [0, 1], 30, 10);
    const c = track(ra, [0, 2], 30, 10);
    await flush();
    expect([!!a.grant, !!b.grant, !!c.grant]).toEqual([true, true, false]);
    a.grant!.decoded();
    await flush();
    expect(c.grant).toBeDefined();
  });

  it('the earliest row group is granted even when it alone exceeds the bound', async () => {
    const ra = new ReadAhead(10);
    const a = track(ra, [0, 0], 1000, 1);
    const b = track(ra, [0, 1], 1000, 1);
    await flush();
    expect([!!a.grant, !!b.grant]).toEqual([true, false]);
    // still over the bound once a is decoded (bytes 0 + 1000 > 10): b waits until a is finished
    a.grant!.decoded();
    await flush();
    expect(b.grant).toBeUndefined();
    a.grant!.finished();
    await flush();
    expect(b.grant).toBeDefined();
  });

  it('a row group earlier than every active one is never held back (another file started first)', async () => {
    const ra = new ReadAhead(10);
    const later = track(ra, [3, 0], 10, 1);
    await flush();
    const earlier = track(ra, [1, 4], 500, 1);
    await flush();
    expect([!!later.grant, !!earlier.grant]).toEqual([true, true]);
  });

  it('grants in scan order: a later request that fits waits behind an earlier one that does not', async () => {
    const ra = new ReadAhead(100);
    const a = track(ra, [0, 0], 90, 1);
    const big = track(ra, [0, 1], 50, 1);
    const small = track(ra, [0, 2], 5, 1);
    await flush();
    expect([!!a.grant, !!big.grant, !!small.grant]).toEqual([true, false, false]);
    a.grant!.decoded();
    await flush();
    expect([!!big.grant, !!small.grant]).toEqual([true, true]);
  });

  it('with a limit, no row group starts once the started rows cover it, until rows are dropped', async () => {
    const ra = new ReadAhead(1_000_000, 100);
    const a = track(ra, [0, 0], 1, 60);
    const b = track(ra, [0, 1], 1, 60);
    const c = track(ra, [0, 2], 1, 60);
    await flush();
    expect([!!a.grant, !!b.grant, !!c.grant]).toEqual([true, true, false]);
    ra.dropped(30); // 120 - 30 = 90 < 100: the limit may need more rows
    await flush();
    expect(c.grant).toBeDefined();
    const d = track(ra, [0, 3], 1, 60);
    await flush();
    expect(d.grant).toBeUndefined();
    ra.dropped(0);
    ra.dropped(-5);
    await flush();
    expect(d.grant).toBeUndefined();
  });

  it('limit 0 still lets the earliest row group through (the scan must move)', async () => {
    const ra = new ReadAhead(100, 0);
    const a = track(ra, [0, 0], 1, 5);
    const b = track(ra, [0, 1], 1, 5);
    await flush();
    expect([!!a.grant, !!b.grant]).toEqual([true, false]);
  });

  it('with a limit, a later task waits while an earlier task is open, even as the earliest row group read', async () => {
    const ra = new ReadAhead(1_000_000, 100);
    ra.openTask(0);
    ra.openTask(1);
    const later = track(ra, [1, 0], 1, 10);
    await flush();
    expect(later.grant).toBeUndefined(); // task 0 may still ask for the rows the limit needs
    const first = track(ra, [0, 0], 1, 10);
    await flush();
    expect(first.grant).toBeDefined();
    ra.closeTask(0);
    await flush();
    expect(later.grant).toBeDefined();
  });

  it('without a limit open tasks hold nothing back; closing an unknown task is harmless', async () => {
    const ra = new ReadAhead(100);
    ra.openTask(0);
    const later = track(ra, [1, 0], 1, 10);
    await flush();
    expect(later.grant).toBeDefined();
    ra.closeTask(7);
    ra.closeTask(0);
    ra.closeTask(0);
  });

  it('aborting a waiting request rejects it with aborted and lets the ones after it through', async () => {
    const ra = new ReadAhead(100);
    const a = track(ra, [0, 0], 90, 1);
    const controller = new AbortController();
    const b = track(ra, [0, 1], 50, 1, controller.signal);
    const c = track(ra, [0, 2], 10, 1);
    await flush();
    expect([!!b.grant, !!c.grant]).toEqual([false, false]);
    controller.abort();
    await flush();
    expect(isIcebergScanError(b.error) && b.error.code).toBe('aborted');
    expect(c.grant).toBeDefined();
    expect(a.grant).toBeDefined();
  });

  it('an aborted signal rejects at once; aborting after the grant changes nothing', async () => {
    const ra = new ReadAhead(100);
    const controller = new AbortController();
    controller.abort();
    const a = track(ra, [0, 0], 1, 1, controller.signal);
    await flush();
    expect(isIcebergScanError(a.error) && a.error.code).toBe('aborted');
    const late = new AbortController();
    const b = track(ra, [0, 1], 1, 1, late.signal);
    await flush();
    late.abort();
    await flush();
    expect(b.grant).toBeDefined();
    expect(b.error).toBeUndefined();
  });

  it('decoded() and finished() are idempotent', async () => {
    const ra = new ReadAhead(100);
    const a = track(ra, [0, 0], 100, 1);
    const b = track(ra, [0, 1], 100, 1);
    const c = track(ra, [0, 2], 100, 1);
    await flush();
    a.grant!.decoded();
    a.grant!.decoded();
    a.grant!.finished();
    a.grant!.finished();
    await flush();
    // b fits alone; c must not slip in on bytes freed twice
    expect([!!b.grant, !!c.grant]).toEqual([true, false]);
  });
});

type Order = readonly [number, number];
const before = (a: Order, b: Order): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

interface ModelRequest {
  readonly order: Order;
  readonly bytes: number;
  readonly rows: number;
  readonly controller: AbortController;
  state: 'new' | 'waiting' | 'granted' | 'aborted';
  grant?: ReadAheadGrant;
  decoded: boolean;
  finished: boolean;
}

/** A schedule: row groups (distinct orders), the bound, the limit, and actions by number. */
const schedules = fc.record({
  requests: fc.uniqueArray(
    fc.record({ task: fc.nat({ max: 3 }), rg: fc.nat({ max: 5 }), bytes: fc.nat({ max: 100 }), rows: fc.nat({ max: 50 }) }),
    { minLength: 1, maxLength: 16, selector: (r) => `${r.task}/${r.rg}` },
  ),
  maxBytes: fc.integer({ min: 1, max: 250 }),
  limit: fc.option(fc.nat({ max: 200 }), { nil: undefined }),
  actions: fc.array(fc.tuple(fc.nat({ max: 6 }), fc.nat()), { maxLength: 60 }),
});

describe('ReadAhead: model', () => {
  it('every grant respects the bound or is the earliest, is in scan order, keeps the limit rules; nothing that fits is left waiting', async () => {
    await fc.assert(
      fc.asyncProperty(schedules, async ({ requests, maxBytes, limit, actions }) => {
        const ra = new ReadAhead(maxBytes, limit);
        const model: ModelRequest[] = requests.map((r) => ({
          order: [r.task, r.rg], bytes: r.bytes, rows: r.rows, controller: new AbortController(), state: 'new', decoded: false, finished: false,
        }));
        const log: ModelRequest[] = [];
        let started = 0;
        let dropped = 0;
        const openTasks = new Set<number>();
        const active = () => model.filter((m) => m.state === 'granted' && !m.finished);
        const used = () => active().filter((m) => !m.decoded).reduce((n, m) => n + m.bytes, 0);
        const fits = (m: ModelRequest): boolean =>
          // under a limit, no row group of a later task while an earlier task is open
          (limit === undefined || [...openTasks].every((t) => t >= m.order[0])) &&
          (active().every((a) => before(m.order, a.order)) ||
            (used() + m.bytes <= maxBytes && (limit === undefined || started - dropped < limit)));

        /** Checks the grants that arrived, in the order they were made, then that the queue's head does not fit. */
        const settle = async (): Promise<void> => {
          await flush();
          for (const m of log.splice(0)) {
            const waiting = model.filter((w) => w.state === 'waiting');
            expect(waiting.every((w) => w === m || before(m.order, w.order)), 'granted out of scan order').toBe(true);
            expect(fits(m), `granted ${m.order} beyond the bound or the limit`).toBe(true);
            m.state = 'granted';
            started += m.rows;
          }
          const head = model.filter((w) => w.state === 'waiting').sort((a, b) => (before(a.order, b.order) ? -1 : 1))[0];
          if (head !== undefined) expect(fits(head), `${head.order} fits but waits`).toBe(false);
        };
        const acquire = (m: ModelRequest): void => {
          m.state = 'waiting';
          ra.acquire(m.order, m.bytes, m.rows, m.controller.signal).then(
            (g) => {
              m.grant = g;
              log.push(m);
            },
            (e) => {
              expect(isIcebergScanError(e) && e.code).toBe('aborted');
              m.state = 'aborted';
            },
          );
        };

        for (const [kind, pick] of actions) {
          const of = (list: ModelRequest[]) => list[pick % list.length];
          if (kind === 0) {
            const m = of(model.filter((x) => x.state === 'new'));
            if (m) acquire(m);
          } else if (kind === 1) {
            const m = of(active().filter((x) => !x.decoded));
            if (m) {
              m.decoded = true;
              m.grant!.decoded();
            }
          } else if (kind === 2) {
            const m = of(active());
            if (m) {
              m.decoded = true;
              m.finished = true;
              m.grant!.finished();
            }
          } else if (kind === 3) {
            dropped += pick % 40;
            ra.dropped(pick % 40);
          } else if (kind === 5) {
            openTasks.add(pick % 4);
            ra.openTask(pick % 4);
          } else if (kind === 6) {
            openTasks.delete(pick % 4);
            ra.closeTask(pick % 4);
          } else {
            const m = of(model.filter((x) => x.state === 'waiting'));
            if (m) m.controller.abort();
          }
          await settle();
        }
        // Liveness: closing the tasks, acquiring the rest and finishing whatever is granted lets every request through.
        for (const t of [...openTasks]) {
          openTasks.delete(t);
          ra.closeTask(t);
          await settle();
        }
        for (const m of model.filter((x) => x.state === 'new')) {
          acquire(m);
          await settle(); // one acquire per settle: a grant is checked against what waited then
        }
        for (let guard = 0; model.some((m) => m.state === 'waiting'); guard++) {
          expect(guard).toBeLessThan(100);
          for (const m of active()) {
            m.decoded = true;
            m.finished = true;
            m.grant!.finished();
          }
          await settle();
        }
        expect(model.every((m) => m.state === 'granted' || m.state === 'aborted')).toBe(true);
      }),
      { seed: 31, numRuns: 150 },
    );
  });
});
