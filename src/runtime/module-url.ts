/**
 * Locating and starting the library's own runtime modules (worker entry points) by URL, the same
 * way from the TypeScript sources (run through tsx: modules end in `.ts`) and from the built
 * package (dist/: modules end in `.js`). dist/ mirrors src/ folder for folder, so a path relative
 * to a module's `import.meta.url` is the same in both.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const EXTENSION = /\.(?:[cm]?ts|[cm]?js)$/;

/** The extension (`.ts`, `.js`, `.mts`…) of the module at `importMetaUrl`. */
export function moduleExtension(importMetaUrl: string): string {
  const match = EXTENSION.exec(new URL(importMetaUrl).pathname);
  if (!match) throw new Error(`not a JavaScript or TypeScript module URL: ${importMetaUrl}`);
  return match[0];
}

/** Whether the module at `importMetaUrl` runs from TypeScript sources (through tsx). */
export function isSourceModule(importMetaUrl: string): boolean {
  return moduleExtension(importMetaUrl).endsWith('ts');
}

/**
 * The URL of the module `name` (a path without extension, relative to the caller, e.g.
 * `'decode-worker'` or `'../worker/decode-worker'`) with the caller's own extension:
 * `siblingModuleUrl(import.meta.url, 'decode-worker')` is `…/decode-worker.ts` under tsx and
 * `…/decode-worker.js` in dist/.
 */
export function siblingModuleUrl(importMetaUrl: string, name: string): URL {
  const relative = name.startsWith('.') ? name : `./${name}`;
  return new URL(`${relative}${moduleExtension(importMetaUrl)}`, importMetaUrl);
}

/**
 * Starts a worker thread on the module at `url`. A `.ts` module (the sources, in the repository)
 * gets tsx's loader registered inside the worker first: `execArgv: ['--import', 'tsx']` does not
 * reach worker threads on Node 20. A `.js` module (dist/) starts directly, with no dev dependency.
 */
export function startModuleWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!isSourceModule(url.href)) return new Worker(url, options);
  // `require.resolve` yields tsx's CommonJS build; the ESM build sits next to it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { execArgv: [], ...options, eval: true });
}
