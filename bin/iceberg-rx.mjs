#!/usr/bin/env node
// iceberg-rx command line: runs the TypeScript sources through tsx, so `npx iceberg-rx` works
// from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli();
