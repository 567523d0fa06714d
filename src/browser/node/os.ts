/**
 * The browser build's `node:os`: a page has no home folder (`/`, where no config file is found)
 * and as many cores as `navigator.hardwareConcurrency` says.
 */

/** `/`: a page has no home folder. */
export function homedir(): string {
  return '/';
}

/** `navigator.hardwareConcurrency` (1 when unknown). */
export function availableParallelism(): number {
  const n = globalThis.navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

export default { homedir, availableParallelism };
