import { describe, expect, it } from 'vitest';
import { MemoryBlob } from '../../../src/read/memory-blob.ts';

const bytes = (start: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) % 256);
const read = async (blob: MemoryBlob, s: number, e: number) => new Uint8Array(await blob.slice(s, e).arrayBuffer());

describe('MemoryBlob', () => {
  it('serves ranges inside the tail and inside row-group chunks, stitching adjacent regions', async () => {
    const blob = new MemoryBlob(1000, [{ start: 900, bytes: bytes(900, 100) }]);
    blob.setChunks([{ start: 100, bytes: bytes(100, 50) }, { start: 150, bytes: bytes(150, 50) }]);
    expect(await read(blob, 990, 1000)).toEqual(bytes(990, 10));
    expect(await read(blob, 110, 120)).toEqual(bytes(110, 10));
    expect(await read(blob, 140, 160)).toEqual(bytes(140, 20));
    expect(blob.misses).toEqual([]);
  });

  it('answers a request nothing covers with zeros (never a rejection) and records the miss', async () => {
    const blob = new MemoryBlob(1000, [{ start: 900, bytes: bytes(900, 100) }]);
    blob.setChunks([{ start: 100, bytes: bytes(100, 50) }]);
    await expect(read(blob, 10, 20)).resolves.toEqual(new Uint8Array(10));
    blob.setChunks([]);
    await expect(read(blob, 100, 110)).resolves.toEqual(new Uint8Array(10));
    expect(blob.misses).toEqual([[10, 20], [100, 110]]);
  });

  it('hands over a region that matches a request exactly without copying, and counts copied bytes otherwise', async () => {
    const blob = new MemoryBlob(1000, []);
    const region = bytes(100, 50);
    blob.setChunks([{ start: 100, bytes: region }]);
    expect(await blob.slice(100, 150).arrayBuffer()).toBe(region.buffer);
    expect(blob.copiedBytes).toBe(0);
    expect(await read(blob, 110, 120)).toEqual(bytes(110, 10));
    expect(blob.copiedBytes).toBe(10);
  });
});
