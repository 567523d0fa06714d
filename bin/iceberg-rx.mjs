#!/usr/bin/env node
// iceberg-rx command line. Installed from npm, it runs the compiled JavaScript in dist/ on plain
// node. In a clone (src/ is there and tsx, a dev dependency, is installed) it runs the TypeScript
// sources through tsx instead, so `npx iceberg-rx` there never runs a stale build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    main = source;
  } catch {
    // tsx is not installed (production install of a clone): use dist/.
  }
}
const { runCli } = await import(main.href);
await runCli();
