/**
 * A real S3-compatible server for the tests: `moto_server` from test/s3/.venv (set up by npm test's
 * pretest), started on a free loopback port and stopped by the caller, plus an SDK client for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { setupStep } from '../setup/setup-status.ts';

// The SDK's notice that releases after January 2027 need node 22 would clutter every test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The moto_server executable of the pinned virtualenv. */
export const MOTO_SERVER = fileURLToPath(new URL('./.venv/bin/moto_server', import.meta.url));

/** Credentials moto accepts (it checks none); passed as properties so no default chain is consulted. */
export const TEST_CREDENTIALS = { 's3.access-key-id': 'testing', 's3.secret-access-key': 'testing', 's3.region': 'us-east-1' } as const;

/**
 * Why the S3 tests cannot run, or undefined when they can. `ICEBERG_RX_S3=1` (CI) turns a missing
 * server into an error instead of a skip.
 */
export function motoUnavailable(): string | undefined {
  if (existsSync(MOTO_SERVER)) return undefined;
  const step = setupStep('moto');
  const reason = step && !step.ok ? `${step.tool} could not be set up: ${step.reason}` : `no ${MOTO_SERVER} (\`npm test\` sets it up; or run test/s3/setup-moto.sh)`;
  if (process.env.ICEBERG_RX_S3 === '1') throw new Error(`ICEBERG_RX_S3=1 but ${reason}`);
  return reason;
}

/** A free loopback port (the tiny race until the server binds it is retried by {@link startMoto}). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** An SDK client for set-up (uploads), path-style. */
  readonly client: S3Client;
  /** The server's process id (the S3 bench reads its CPU time from /proc). */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

async function waitReady(endpoint: string, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await r.body?.cancel();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

/** Starts moto_server on a free loopback port. */
export async function startMoto(): Promise<MotoServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const endpoint = `http://127.0.0.1:${port}`;
    if (await waitReady(endpoint, child, 30_000)) {
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      return {
        endpoint,
        client,
        pid: child.pid!,
        stop: async () => {
          client.destroy();
          if (child.exitCode !== null) return;
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        },
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`moto_server did not start on port ${port}: ${stderr}`);
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/**
 * Uploads every file under `localDir` to `s3://bucket/prefix/<relative path>` (creating the bucket
 * when needed), read where they are.
 */
export async function uploadFolder(client: S3Client, localDir: string, bucket: string, prefix: string): Promise<number> {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: { name?: string }) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  const files = filesUnder(localDir);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const key = `${prefix}/${relative(localDir, file).split('\\').join('/')}`.replace(/^\/+/, '');
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return files.length;
}
