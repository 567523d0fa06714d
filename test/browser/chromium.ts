/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (installed by `npm test`'s
 * pretest step `chromium`), driven by playwright-core, which downloads nothing.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { setupStep } from '../setup/setup-status.ts';

/** Where Debian's package puts the browser. */
export const CHROMIUM = process.env.ICEBERG_RX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here (undefined when they can). With `ICEBERG_RX_BROWSER=1`
 * (CI) a missing browser throws instead of skipping.
 */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const step = setupStep('chromium');
  const reason = step && !step.ok ? `${step.tool} could not be set up: ${step.reason}` : `no ${CHROMIUM} (\`npm test\` installs Debian's chromium; or apt-get install chromium)`;
  if (process.env.ICEBERG_RX_BROWSER === '1') throw new Error(`ICEBERG_RX_BROWSER=1 but ${reason}`);
  return reason;
}

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
