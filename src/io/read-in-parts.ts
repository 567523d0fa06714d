/**
 * Large ranged reads of remote FileIOs split into parts fetched in parallel and reassembled, so one
 * big column chunk is not limited to a single stream's throughput.
 */
import { setMaxListeners } from 'node:events';

/**
 * Ranges longer than this are split into parts of at most this many bytes. 8 MiB, the part size
 * the AWS S3 performance guidelines recommend for byte-range fetches (8–16 MB), and the default
 * part size of the AWS CRT transfer client.
 */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * Reads `[start, end)` with one `readPart` call, or, when longer than `partBytes`, with one call per
 * equal part (each at most `partBytes`), all started at once (the FileIO's request limiter bounds
 * them). The first failing part aborts the others and its error is thrown.
 *
 * @param start First byte (inclusive).
 * @param end Last byte (exclusive).
 * @param partBytes Largest part; a positive integer.
 * @param signal The scan's signal.
 * @param readPart Reads one part with one (retried) request.
 * @returns The bytes of the whole range.
 */
export async function readInParts(
  start: number,
  end: number,
  partBytes: number,
  signal: AbortSignal | undefined,
  readPart: (start: number, end: number, signal: AbortSignal | undefined) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const length = end - start;
  if (length <= partBytes) return readPart(start, end, signal);
  const parts = Math.ceil(length / partBytes);
  const size = Math.ceil(length / parts);
  const controller = new AbortController();
  // Every part's request, body and limiter wait listen to it: many listeners are expected here.
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) controller.abort();
  const out = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer);
  try {
    await Promise.all(
      Array.from({ length: parts }, async (_, i) => {
        const s = start + i * size;
        out.set(await readPart(s, Math.min(end, s + size), controller.signal), s - start);
      }),
    );
    return out;
  } catch (error) {
    controller.abort();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
