/**
 * A static HTTP server over a local folder for the HTTP tests: `GET` with one `Range` (206 and
 * `Content-Range`), `HEAD`, 404; optionally one that ignores `Range` (200 with the whole body, as
 * some servers do). Counts requests and body bytes sent.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import type { Socket } from 'node:net';

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /** Answer every GET with 200 and the whole file, whatever its `Range`. */
  readonly ignoreRange?: boolean;
  /** Answer HEAD with 405 (lengths must then come from `Content-Range`). */
  readonly noHead?: boolean;
}

/** A running static server. */
export interface StaticServer {
  readonly url: string;
  /** Requests, body bytes sent, and GETs per path. */
  readonly counts: { requests: number; bytes: number; perPath: Map<string, number> };
  close(): Promise<void>;
}

/** Serves the files under `root`. */
export async function startStaticServer(root: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const counts = { requests: 0, bytes: 0, perPath: new Map<string, number>() };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    counts.requests += 1;
    // The URL path names the file as written, not percent-decoded: Iceberg writers put encoded
    // partition values (`ts=2023-08-22T09%3A15...`) into file names, as object stores keep them in keys.
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET') counts.perPath.set(path, (counts.perPath.get(path) ?? 0) + 1);
    const file = join(root, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'HEAD') {
      if (options.noHead) res.writeHead(405).end();
      else res.writeHead(200, { 'content-length': size, 'accept-ranges': options.ignoreRange ? 'none' : 'bytes' }).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m === null || options.ignoreRange) {
      res.writeHead(200, { 'content-length': size });
      counts.bytes += size;
      createReadStream(file).pipe(res);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(m[2] === '' ? size - 1 : Number(m[2]), size - 1);
    if (start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
    counts.bytes += end - start + 1;
    createReadStream(file, { start, end }).pipe(res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    counts,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
