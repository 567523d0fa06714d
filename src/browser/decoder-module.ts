/**
 * The browser build's decoder module (it replaces `src/read/decoder/decoder-module.ts` in the
 * bundle): `decoder/iceberg-rx-decoder.wasm` is fetched by URL, by default the file next to the
 * bundle (`dist/browser/iceberg-rx-decoder.wasm`), and compiled while it downloads
 * (`WebAssembly.compileStreaming`); the browser's HTTP cache and its compiled-code cache keep it
 * across page loads. It is compiled once per page and the compiled module is posted to each decode
 * worker, which shares its code instead of compiling it again.
 */
import { IcebergScanError } from '../errors.ts';

let configuredUrl: URL | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/** The URL the decoder module is loaded from: the configured one, else the `.wasm` next to this bundle. */
export function decoderWasmUrl(): URL {
  return configuredUrl ?? new URL('./iceberg-rx-decoder.wasm', import.meta.url);
}

/**
 * Loads the decoder from `url` instead of the `.wasm` next to the bundle (e.g. from a CDN, which
 * must send CORS headers). Takes effect for the next compilation: call it before the first scan.
 */
export function setDecoderWasmUrl(url: string | URL): void {
  configuredUrl = new URL(url, globalThis.location?.href);
  compiled = undefined;
}

/** The compiled decoder module, fetched and compiled on first use. */
export function decoderModule(): Promise<WebAssembly.Module> {
  compiled ??= compileDecoder(decoderWasmUrl()).catch((error: unknown) => {
    compiled = undefined; // a later call may succeed (a network that came back)
    throw error;
  });
  return compiled;
}

async function compileDecoder(url: URL): Promise<WebAssembly.Module> {
  const failed = (what: string, cause?: unknown): IcebergScanError =>
    new IcebergScanError('io_failed', `cannot load the Parquet decoder (${what})`, {
      path: url.href,
      expected: 'iceberg-rx-decoder.wasm served next to iceberg-rx.js, or the URL given to setDecoderWasmUrl',
      cause,
    });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw failed('fetch failed', error);
  }
  if (!response.ok) throw failed(`HTTP ${response.status}`);
  try {
    // Streaming compilation needs `Content-Type: application/wasm`; other servers get the buffered path.
    if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(response.headers.get('content-type') ?? '')) {
      return await WebAssembly.compileStreaming(response);
    }
    return await WebAssembly.compile(await response.arrayBuffer());
  } catch (error) {
    throw failed('not a valid WebAssembly module', error);
  }
}
