/**
 * Conformance: every expectation of ../shared/fixtures/iceberg/EXPECTED.json, scanned with
 * iceberg-rx and compared after normalising each engine's print format. Expectations listed in
 * known-gaps.ts must still fail (so the list only shrinks); every other one must pass.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_FIXTURES, FIXTURES_ROOT, expectationId, loadExpectations } from './fixtures.ts';
import { KNOWN_GAPS, STRICT_REFUSALS, type GapFeature } from './known-gaps.ts';
import { runExpectation } from './run-expectation.ts';

const expectations = loadExpectations();
const tally = { passing: 0, failing: 0, refused: 0, gaps: {} as Partial<Record<GapFeature, number>> };

describe.skipIf(!HAVE_FIXTURES)(`conformance against ${FIXTURES_ROOT}`, () => {
  it('lists only known gaps that exist in EXPECTED.json', () => {
    const ids = new Set(expectations.map(expectationId));
    expect(Object.keys(KNOWN_GAPS).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(STRICT_REFUSALS).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const e of expectations) {
    const id = expectationId(e);
    const gap = KNOWN_GAPS[id];
    const refusal = STRICT_REFUSALS[id];
    const label = gap ? ` [known gap: ${gap.feature}]` : refusal ? ` [refused: ${refusal.code}]` : '';
    it(`${id}${label}`, async () => {
      const outcome = await runExpectation(e);
      if (refusal !== undefined) {
        tally.refused++;
        expect(outcome.errorCode, `${id} must be refused: ${refusal.why}`).toBe(refusal.code);
      } else if (gap !== undefined) {
        tally.gaps[gap.feature] = (tally.gaps[gap.feature] ?? 0) + 1;
        expect(outcome.pass, `known gap now passes: remove "${id}" from test/conformance/known-gaps.ts`).toBe(false);
      } else {
        if (outcome.pass) tally.passing++;
        else tally.failing++;
        expect(outcome.pass, `${e.query}\n${outcome.reason}`).toBe(true);
      }
    });
  }

  afterAll(() => {
    console.log(
      `conformance: ${tally.passing} passing, ${tally.failing} failing, ${tally.refused} refused by the spec, known gaps ${JSON.stringify(tally.gaps)} of ${expectations.length} expectations`,
    );
  });
});

// Only without the shared fixtures: one skipped test that says so (nothing is skipped when they are there).
if (!HAVE_FIXTURES) {
  describe('conformance', () => {
    it.skip(`skipped: fixtures not found at ${FIXTURES_ROOT}`, () => {});
  });
}
