/**
 * Apache Iceberg's own REST catalog server for the catalog tests: the classpath and launcher that
 * `npm test`'s pretest step `rest-catalog` (test/catalog/setup-rest-catalog.sh) cached under
 * ~/.cache/iceberg-rx/rest-catalog/<version-key>/, started on a free loopback port with its
 * warehouse in an S3 bucket.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupStep } from '../setup/setup-status.ts';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('./launcher/org/apache/iceberg/rest/LoopbackRESTCatalogServer.java', import.meta.url));

/**
 * The cached server folder (classpath.txt, classes/): keyed, as setup-rest-catalog.sh keys it, by
 * the sha256 of the pom and the launcher source.
 */
export const SERVER_DIR = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'iceberg-rx',
  'rest-catalog',
  createHash('sha256').update(readFileSync(POM)).update(readFileSync(LAUNCHER)).digest('hex').slice(0, 16),
);

/**
 * Why the REST tests cannot run, or undefined when they can. `ICEBERG_RX_REST=1` (CI) turns a
 * missing server into an error instead of a skip.
 */
export function restCatalogUnavailable(): string | undefined {
  if (existsSync(join(SERVER_DIR, '.ready'))) return undefined;
  const step = setupStep('rest-catalog');
  const reason = step && !step.ok ? `${step.tool} could not be set up: ${step.reason}` : `no ${SERVER_DIR} (\`npm test\` sets it up; or run test/catalog/setup-rest-catalog.sh)`;
  if (process.env.ICEBERG_RX_REST === '1') throw new Error(`ICEBERG_RX_REST=1 but ${reason}`);
  return reason;
}

/** What the server stores its tables in. */
export interface RestCatalogWarehouse {
  /** `s3://bucket/prefix`. */
  readonly warehouse: string;
  /** The S3 endpoint the server writes to. */
  readonly s3Endpoint: string;
  /** The server's S3 key, vended to clients in `loadTable` (`include-credentials`). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running server. */
export interface RestCatalogServer {
  /** `http://127.0.0.1:PORT`. */
  readonly uri: string;
  /** Milliseconds from spawn to listening. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** Starts the server (CATALOG_* environment, as the Docker fixture is configured). */
export async function startRestCatalog(store: RestCatalogWarehouse): Promise<RestCatalogServer> {
  const classpath = `${SERVER_DIR}/classes:${readFileSync(`${SERVER_DIR}/classpath.txt`, 'utf8').trim()}`;
  const started = Date.now();
  const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', classpath, 'org.apache.iceberg.rest.LoopbackRESTCatalogServer', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CATALOG_IO__IMPL: 'org.apache.iceberg.aws.s3.S3FileIO',
      CATALOG_WAREHOUSE: store.warehouse,
      CATALOG_S3_ENDPOINT: store.s3Endpoint,
      CATALOG_S3_PATH__STYLE__ACCESS: 'true',
      CATALOG_S3_ACCESS__KEY__ID: store.accessKeyId,
      CATALOG_S3_SECRET__ACCESS__KEY: store.secretAccessKey,
      CATALOG_CLIENT_REGION: 'us-east-1',
      // One connection: with the in-memory SQLite default, a second pooled one is an empty database.
      CATALOG_CLIENTS: '1',
      CATALOG_INCLUDE__CREDENTIALS: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`REST catalog server did not start within 60 s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`REST catalog server exited with ${code}: ${stderr}`));
    });
  });
  child.stdout!.resume();
  const startMs = Date.now() - started;
  return {
    uri: `http://127.0.0.1:${port}`,
    startMs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
