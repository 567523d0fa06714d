/**
 * The expectations the S3 and HTTP tests read remotely: every EXPECTED.json expectation that passes
 * from local disk (known gaps and strict refusals are left to test/conformance).
 */
import { expectationId, loadExpectations, type Expectation } from '../conformance/fixtures.ts';
import { KNOWN_GAPS, STRICT_REFUSALS } from '../conformance/known-gaps.ts';

/** Expectations that pass from local disk, in file order. */
export function remoteExpectations(): Expectation[] {
  return loadExpectations().filter((e) => !KNOWN_GAPS[expectationId(e)] && !STRICT_REFUSALS[expectationId(e)]);
}
