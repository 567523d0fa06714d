/**
 * The HTTP server of the browser tests and of `npm run demo`: serves folders under URL prefixes
 * (the demo page, dist/browser/, tables) with content types (`application/wasm` for streaming
 * compilation), one `Range` per GET (206, `Content-Range`), `HEAD`, CORS, and counts requests: how
 * many are open now and how many the client closed before their body was sent (what an aborted
 * `fetch` looks like from the server).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A folder served under a URL prefix (`/dist/` → `dist/`). */
export interface Mount {
  readonly prefix: string;
  readonly dir: string;
}

/** Request counters of a {@link PageServer}. */
export interface PageServerCounts {
  requests: number;
  /** Body bytes handed to the socket. */
  bytes: number;
  /** Requests whose response has not ended (nor been closed) yet. */
  open: number;
  /** Requests the client closed before their response ended. */
  closedEarly: number;
  /** Requests by path prefix `/tables/…`, for a test to see which files were fetched. */
  readonly paths: string[];
}

/** A running page server. */
export interface PageServer {
  readonly url: string;
  readonly counts: PageServerCounts;
  /** Clears the counters (not `open`). */
  reset(): void;
  close(): Promise<void>;
}

/** Options of {@link startPageServer}. */
export interface PageServerOptions {
  /** Port to listen on (default: any free one). */
  readonly port?: number;
  /** Host to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Bytes per second per response, to make a scan slow enough to stop in the middle (default: no limit). */
  readonly throttleBytesPerSecond?: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.text': 'text/plain; charset=utf-8',
};

/** Serves `mounts` (longest prefix first); `/` redirects to the first mount. */
export async function startPageServer(mounts: readonly Mount[], options: PageServerOptions = {}): Promise<PageServer> {
  const counts: PageServerCounts = { requests: 0, bytes: 0, open: 0, closedEarly: 0, paths: [] };
  const sockets = new Set<Socket>();
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const server: Server = createServer((req, res) => {
    counts.requests += 1;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.paths.push(path);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range, authorization, content-type');
    res.setHeader('access-control-expose-headers', 'content-range, content-length, accept-ranges, etag');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/' && sorted.length > 0) {
      res.writeHead(302, { location: mounts[0]!.prefix }).end();
      return;
    }
    const mount = sorted.find((m) => path.startsWith(m.prefix));
    if (mount === undefined) {
      res.writeHead(404).end();
      return;
    }
    // The path names the file as written (not percent-decoded), as object stores keep keys.
    let rel = normalize(path.slice(mount.prefix.length)).replace(/^(\.\.([/\\]|$))+/, '');
    if (rel === '' || rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
    const file = join(mount.dir, rel);
    if (!file.startsWith(mount.dir.endsWith(sep) ? mount.dir : mount.dir + sep) && file !== mount.dir) {
      res.writeHead(403).end();
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const base = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...base, 'content-length': size }).end();
      return;
    }
    let start = 0;
    let end = size - 1;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m !== null) {
      start = Number(m[1]);
      end = Math.min(m[2] === '' ? size - 1 : Number(m[2]), size - 1);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { ...base, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
    } else {
      res.writeHead(200, { ...base, 'content-length': size });
    }
    counts.open += 1;
    let settled = false;
    const settle = (early: boolean): void => {
      if (settled) return;
      settled = true;
      counts.open -= 1;
      if (early) counts.closedEarly += 1;
    };
    res.on('finish', () => settle(false));
    res.on('close', () => settle(!res.writableFinished));
    if (end < start) {
      res.end();
      return;
    }
    const stream = createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
    stream.on('data', (chunk) => (counts.bytes += chunk.length));
    res.on('close', () => stream.destroy());
    const rate = options.throttleBytesPerSecond;
    if (rate === undefined) {
      stream.pipe(res);
      return;
    }
    // Throttled: one 64 KiB chunk at a time, paced.
    stream.on('data', (chunk) => {
      stream.pause();
      res.write(chunk);
      setTimeout(() => stream.resume(), (chunk.length / rate) * 1000);
    });
    stream.on('end', () => res.end());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number; address: string };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    counts,
    reset() {
      counts.requests = 0;
      counts.bytes = 0;
      counts.closedEarly = 0;
      counts.paths.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
