/**
 * The shared set-up of the REST catalog tests: moto (S3), a proxy in front of it that refuses every
 * request not signed with the catalog's vended key, Apache Iceberg's REST catalog server with its
 * warehouse in moto, and the tables PyIceberg 0.12 wrote through that server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { PYTHON_ENV, VENV_PYTHON, pyicebergAvailability } from '../pyiceberg/pyiceberg-env.ts';
import type { JsonRow } from '../pyiceberg/row-multiset.ts';
import { motoUnavailable, startMoto, type MotoServer } from '../s3/moto-server.ts';
import { startFaultProxy, type FaultProxy } from '../s3/fault-proxy.ts';
import { restCatalogUnavailable, startRestCatalog, type RestCatalogServer } from './rest-catalog-server.ts';

const WRITER = fileURLToPath(new URL('./write_through_rest.py', import.meta.url));

/** The S3 key the catalog server holds and vends in `loadTable`; the proxy accepts no other. */
export const VENDED_KEY = { accessKeyId: 'vended-key-id', secretAccessKey: 'vended-secret' } as const;

/** Why the REST tests cannot run (moto, PyIceberg or the Java server missing), or undefined. */
export function restTestsUnavailable(): string | undefined {
  const py = pyicebergAvailability();
  return motoUnavailable() ?? restCatalogUnavailable() ?? (py.available ? undefined : py.reason);
}

/** One table PyIceberg wrote, with its rows as PyIceberg reads them. */
export interface WrittenTable {
  readonly name: string;
  readonly snapshots: number;
  readonly rows: JsonRow[];
}

/** The running set-up. */
export interface CatalogFixture {
  readonly moto: MotoServer;
  /** The S3 endpoint clients get: refuses any access key but {@link VENDED_KEY}. */
  readonly proxy: FaultProxy;
  readonly server: RestCatalogServer;
  readonly tables: WrittenTable[];
  /** Appends `count` rows from id `start` to `table` through the catalog (PyIceberg); its rows after. */
  append(table: string, start: number, count: number): Promise<WrittenTable>;
  stop(): Promise<void>;
}

/** The access key id a request was signed with (SigV4 header or presigned query). */
export function accessKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const m = /Credential=([^/,\s]+)\//.exec(header) ?? /[?&]X-Amz-Credential=([^%/&]+)/i.exec(req.url ?? '');
  return m?.[1];
}

function runWriter(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(VENV_PYTHON, [WRITER, ...args], { env: { ...PYTHON_ENV, AWS_EC2_METADATA_DISABLED: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`write_through_rest.py ${args[0]} exited with ${code}: ${err.slice(-3000)}`))));
  });
}

/** Starts everything and writes the tables. */
export async function startCatalogFixture(): Promise<CatalogFixture> {
  const moto = await startMoto();
  await moto.client.send(new CreateBucketCommand({ Bucket: 'rx-warehouse' }));
  const proxy = await startFaultProxy(moto.endpoint);
  proxy.inject('forbidden', Number.POSITIVE_INFINITY, (req) => accessKeyOf(req) !== VENDED_KEY.accessKeyId);
  let server: RestCatalogServer | undefined;
  try {
    server = await startRestCatalog({ warehouse: 's3://rx-warehouse/wh', s3Endpoint: moto.endpoint, ...VENDED_KEY });
    // eslint-disable-next-line no-console
    console.log(`REST catalog server (Apache Iceberg RESTCatalogServer 1.10.0) listening after ${server.startMs} ms`);
    const common = [server.uri, moto.endpoint, VENDED_KEY.accessKeyId, VENDED_KEY.secretAccessKey];
    const written = JSON.parse(await runWriter(['write', ...common])) as { tables: WrittenTable[] };
    const running = server;
    return {
      moto,
      proxy,
      server,
      tables: written.tables,
      append: async (table, start, count) => JSON.parse(await runWriter(['append', ...common, table, String(start), String(count)])) as WrittenTable,
      stop: async () => {
        await running.stop();
        await proxy.close();
        await moto.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    await proxy.close();
    await moto.stop();
    throw error;
  }
}

/** Removes AWS credentials the SDK could find on its own (environment, shared files, instance metadata); returns a restore function. */
export function withoutAmbientAwsCredentials(): () => void {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED'];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[n];
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/iceberg-rx-credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/iceberg-rx-config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  return () => {
    for (const [n, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  };
}
