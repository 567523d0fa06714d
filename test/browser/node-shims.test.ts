/**
 * The browser build's stand-ins for Node built-ins (src/browser/node/), checked against Node's own
 * implementations on the same inputs: inflate/gunzip/crc32, Buffer, path.
 */
import * as nodePath from 'node:path';
import * as nodeZlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Buffer as ShimBuffer } from '../../src/browser/node/buffer.ts';
import * as shimPath from '../../src/browser/node/path.ts';
import { crc32, gunzipSync, inflateRawSync } from '../../src/browser/node/zlib.ts';

const texts = fc.oneof(
  fc.uint8Array({ maxLength: 5000 }),
  fc.array(fc.constantFrom('iceberg ', 'manifest ', 'rx ', '\u00e9t\u00e9 ', '\u{1f9ca} '), { maxLength: 3000 }).map((w) => new TextEncoder().encode(w.join(''))),
);

describe('zlib stand-in', () => {
  it('inflateRawSync matches Node on deflate streams of every level and strategy', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 0, max: 9 }), fc.constantFrom(0, 1, 2, 3, 4), (bytes, level, strategy) => {
        const raw = nodeZlib.deflateRawSync(bytes, { level, strategy });
        expect(Buffer.from(inflateRawSync(raw)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('gunzipSync matches Node, for concatenated members too, and rejects a wrong CRC', () => {
    fc.assert(
      fc.property(texts, texts, (a, b) => {
        const one = nodeZlib.gzipSync(a);
        expect(Buffer.from(gunzipSync(one)).equals(Buffer.from(a))).toBe(true);
        const two = Buffer.concat([one, nodeZlib.gzipSync(b)]);
        expect(Buffer.from(gunzipSync(two)).equals(Buffer.concat([Buffer.from(a), Buffer.from(b)]))).toBe(true);
      }),
      { numRuns: 100 },
    );
    const bad = nodeZlib.gzipSync(Buffer.from('some metadata json'));
    bad[bad.length - 6]! ^= 0xff; // inside the CRC
    expect(() => gunzipSync(bad)).toThrow(/incorrect data check/);
    expect(() => gunzipSync(Buffer.from('not gzip at all, not gzip at all'))).toThrow(/incorrect header check/);
    expect(() => inflateRawSync(nodeZlib.deflateRawSync(Buffer.alloc(1000, 7)).subarray(0, 3))).toThrow();
  });

  it('crc32 matches Node', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (bytes, start) => {
      expect(crc32(bytes, start)).toBe(nodeZlib.crc32(bytes, start));
    }));
  });
});

describe('Buffer stand-in', () => {
  it('text encodings, numbers and views match Node', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
        expect(ShimBuffer.from(text).toString()).toBe(Buffer.from(text).toString());
        expect(ShimBuffer.byteLength(text)).toBe(Buffer.byteLength(text));
        const b = ShimBuffer.from(bytes);
        const n = Buffer.from(bytes);
        for (const enc of ['hex', 'base64', 'latin1', 'utf8'] as const) {
          expect(b.toString(enc)).toBe(n.toString(enc));
          expect(Buffer.from(ShimBuffer.from(n.toString(enc), enc)).equals(Buffer.from(n.toString(enc), enc))).toBe(true);
        }
        if (bytes.length >= 8) {
          expect(b.readBigInt64LE(0)).toBe(n.readBigInt64LE(0));
          expect(b.readDoubleLE(0)).toEqual(n.readDoubleLE(0));
          expect(b.readFloatLE(4)).toEqual(n.readFloatLE(4));
          expect(b.readUIntLE(1, 6)).toBe(n.readUIntLE(1, 6));
          expect(b.readIntLE(1, 5)).toBe(n.readIntLE(1, 5));
        }
        const view = b.slice(1, 3);
        if (bytes.length >= 3) {
          view[0] = (view[0]! + 1) & 0xff; // a view, as in Node
          expect(b[1]).toBe(view[0]);
        }
      }),
    );
    const w = ShimBuffer.alloc(8);
    w.writeBigInt64LE(-5n);
    expect(Buffer.from(w).readBigInt64LE()).toBe(-5n);
    w.writeIntLE(-123456, 0, 4);
    expect(Buffer.from(w).readIntLE(0, 4)).toBe(-123456);
    expect(ShimBuffer.isBuffer(w)).toBe(true);
    expect(ShimBuffer.concat([ShimBuffer.from('ab'), ShimBuffer.from('cd')]).toString()).toBe('abcd');
  });
});

describe('path stand-in', () => {
  it('normalize, join and resolve match node:path/posix (cwd /)', () => {
    const seg = fc.constantFrom('a', 'b', '..', '.', '', 'c.txt', '/x', 'y/');
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 6 }), (parts) => {
        expect(shimPath.join(...parts)).toBe(nodePath.posix.join(...parts));
        const p = parts.join('/');
        if (p !== '') expect(shimPath.normalize(p)).toBe(nodePath.posix.normalize(p));
        expect(shimPath.resolve('/', ...parts)).toBe(nodePath.posix.resolve('/', ...parts));
        expect(shimPath.isAbsolute(p)).toBe(nodePath.posix.isAbsolute(p));
      }),
    );
  });
});
