/**
 * The decoder's WebAssembly module (`decoder/iceberg-rx-decoder.wasm`, built from the `decoder/`
 * crate): compiled once per thread that asks for it, and shareable with workers (a compiled
 * `WebAssembly.Module` posted to a worker shares its code instead of compiling it again).
 */

/** Where the committed module sits, relative to this file (`src/read/decoder/` and `dist/read/decoder/` alike). */
export const DECODER_WASM_URL = new URL('../../../decoder/iceberg-rx-decoder.wasm', import.meta.url);

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * The compiled decoder module, compiled on first use. `file:` URLs are read with Node's `fs`;
 * others are fetched and compiled while streaming (browsers cache both).
 */
export function decoderModule(): Promise<WebAssembly.Module> {
  compiled ??= compileDecoder(DECODER_WASM_URL).catch((error: unknown) => {
    compiled = undefined; // a later call may succeed (e.g. a file that was being rebuilt)
    throw error;
  });
  return compiled;
}

async function compileDecoder(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  return WebAssembly.compileStreaming(fetch(url));
}
