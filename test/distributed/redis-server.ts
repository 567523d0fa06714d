/**
 * A real `redis-server` (Debian's package, installed by npm test's pretest when missing) for the
 * distributed tests: started per test file on a free loopback port, stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../s3/moto-server.ts';
import { setupStep } from '../setup/setup-status.ts';

/** Where Debian installs it. */
export const REDIS_SERVER = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';

/**
 * Why the distributed tests cannot run, or undefined when they can. `ICEBERG_RX_REDIS=1` (CI)
 * turns a missing server into an error instead of a skip.
 */
export function redisUnavailable(): string | undefined {
  const r = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const step = setupStep('redis');
  const reason = step && !step.ok ? `${step.tool} could not be set up: ${step.reason}` : 'no redis-server (`npm test` installs it: apt-get install -y redis-server)';
  if (process.env.ICEBERG_RX_REDIS === '1') throw new Error(`ICEBERG_RX_REDIS=1 but ${reason}`);
  return reason;
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stops the server (SIGTERM: with `persist`, it writes its append-only file first). */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and data folder. */
  restart(downMs?: number): Promise<void>;
}

async function waitPort(port: number, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.write('PING\r\n');
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString().startsWith('+PONG'));
        });
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Starts redis-server on a free loopback port. `persist`: append-only file in a temporary folder,
 * so that a restart keeps the queue (the Redis-restart test); otherwise nothing is saved.
 */
export async function startRedis(options: { persist?: boolean } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'iceberg-rx-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', options.persist ? 'yes' : 'no', '--appendfsync', 'always'];
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    if (!(await waitPort(port, child, 10_000))) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}: ${stderr}`);
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart(downMs = 500) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
  };
}
