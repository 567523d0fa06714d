/**
 * The browser build's `node:events`: `setMaxListeners` does nothing (browsers' `EventTarget` has no
 * listener limit nor its warning); `once` resolves with the arguments of an event's first emission.
 */

/** No-op in browsers: an `AbortSignal` may have any number of listeners without a warning. */
export function setMaxListeners(_n?: number, ..._targets: unknown[]): void {}

/** Resolves with the arguments of the first `name` event of `emitter` (an EventTarget or an `on`/`once` emitter). */
export function once(emitter: unknown, name: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const e = emitter as { once?: (n: string, f: (...a: unknown[]) => void) => void; addEventListener?: (n: string, f: (ev: unknown) => void, o: unknown) => void };
    if (typeof e.once === 'function') e.once(name, (...args) => resolve(args));
    else e.addEventListener?.(name, (ev) => resolve([ev]), { once: true });
  });
}

export default { setMaxListeners, once };
