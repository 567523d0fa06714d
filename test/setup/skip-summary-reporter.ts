/**
 * A vitest reporter that closes the run with every skipped test (their names carry the reason:
 * which tool or fixture is missing, and why) and one plain count line,
 * `vitest: N passed, N failed, N skipped`.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export class SkipSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else if (state === 'skipped') skipped.push(`  ${relative(process.cwd(), module.moduleId)} > ${test.fullName}`);
      }
      if (module.state() === 'failed' && module.children.size === 0) failed++; // a file that failed to load
    }
    const out = process.stdout;
    if (skipped.length > 0) out.write(`\nskipped tests (${skipped.length}):\n${skipped.join('\n')}\n`);
    out.write(`vitest: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  }
}
