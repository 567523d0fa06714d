/**
 * src/runtime/module-url.ts: runtime modules are found with the caller's own extension, and a
 * worker starts on a `.ts` module (through tsx) and on a `.js` module (plain node) alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { isSourceModule, moduleExtension, siblingModuleUrl, startModuleWorker } from '../../../src/runtime/module-url.ts';

const dir = mkdtempSync(join(tmpdir(), 'iceberg-rx-module-url-'));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // as the package's own modules
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('siblingModuleUrl', () => {
  it('keeps the caller’s extension', () => {
    expect(siblingModuleUrl('file:///p/src/read/decoder/pool.ts', 'decode-worker').href).toBe('file:///p/src/read/decoder/decode-worker.ts');
    expect(siblingModuleUrl('file:///p/dist/read/decoder/pool.js', 'decode-worker').href).toBe('file:///p/dist/read/decoder/decode-worker.js');
    expect(siblingModuleUrl('file:///p/dist/read/decoder/pool.js', '../worker/w').href).toBe('file:///p/dist/read/worker/w.js');
  });

  it('tells sources from built modules', () => {
    expect(isSourceModule(import.meta.url)).toBe(true);
    expect(isSourceModule('file:///p/dist/index.js')).toBe(false);
    expect(moduleExtension('file:///p/a.mts')).toBe('.mts');
    expect(() => moduleExtension('file:///p/a.wasm')).toThrow(/not a JavaScript or TypeScript module/);
  });
});

describe('startModuleWorker', () => {
  async function answer(file: string, code: string): Promise<unknown> {
    writeFileSync(join(dir, file), code);
    const worker = startModuleWorker(pathToFileURL(join(dir, file)), { workerData: 20 });
    const [message] = await once(worker, 'message');
    await worker.terminate();
    return message;
  }

  it('starts a TypeScript module through tsx', async () => {
    const code = "import { parentPort, workerData } from 'node:worker_threads';\nconst n: number = workerData;\nparentPort!.postMessage(n + 1);\n";
    expect(await answer('w.ts', code)).toBe(21);
  });

  it('starts a JavaScript module directly', async () => {
    const code = "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage(workerData + 2);\n";
    expect(await answer('w.mjs', code)).toBe(22);
  });
});
