/**
 * What `npm test`'s pretest (test/setup/pretest.mjs) could set up, read from the status file it
 * writes, so that tests needing a tool it could not install skip with the tool and the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The status file of the last pretest run. */
export const SETUP_STATUS_FILE = fileURLToPath(new URL('../../tmp/test-setup/status.json', import.meta.url));

/** One pretest step's outcome. */
export interface SetupStepStatus {
  readonly ok: boolean;
  readonly detail?: string;
  /** Set when not ok: the tool that could not be installed. */
  readonly tool?: string;
  /** Set when not ok: why. */
  readonly reason?: string;
}

/** The outcome of pretest step `name`, or undefined when pretest has not run (e.g. a bare `npx vitest`). */
export function setupStep(name: string): SetupStepStatus | undefined {
  if (!existsSync(SETUP_STATUS_FILE)) return undefined;
  try {
    return (JSON.parse(readFileSync(SETUP_STATUS_FILE, 'utf8')) as { steps: Record<string, SetupStepStatus> }).steps[name];
  } catch {
    return undefined;
  }
}
