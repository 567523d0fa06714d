import { defineConfig } from 'vitest/config';
import { SkipSummaryReporter } from './test/setup/skip-summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'marbles/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default output, then every skipped test with its reason and a plain count line.
    reporters: ['default', new SkipSummaryReporter()],
  },
});
