/**
 * The decode seam's helpers: `fileKeyOf` (a rewritten file never shares a kept footer) and the
 * typed failures `decodeFailure` / `asDecodeFailure`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IcebergScanError, isIcebergScanError } from '../../../../src/errors.ts';
import { asDecodeFailure, decodeFailure, fileKeyOf } from '../../../../src/read/decoder/row-group-decoder.ts';
import { DecoderError } from '../../../../src/read/decoder/wasm-decoder.ts';

describe('fileKeyOf', () => {
  it('differs when the path, the size or any tail byte differs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.nat({ max: 7 }), (tail, at, bit) => {
        const key = fileKeyOf('s3://b/f.parquet', 1000, tail);
        expect(fileKeyOf('s3://b/f.parquet', 1000, tail.slice())).toBe(key);
        expect(fileKeyOf('s3://b/g.parquet', 1000, tail)).not.toBe(key);
        expect(fileKeyOf('s3://b/f.parquet', 1001, tail)).not.toBe(key);
        const flipped = tail.slice();
        flipped[at % tail.length]! ^= 1 << bit;
        expect(fileKeyOf('s3://b/f.parquet', 1000, flipped)).not.toBe(key);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('decodeFailure / asDecodeFailure', () => {
  const job = { path: 's3://b/f.parquet', rowGroup: 3 };

  it('is data_invalid naming the file and row group, trapped or not', () => {
    for (const trapped of [false, true]) {
      const e = decodeFailure(job, 'boom', trapped);
      expect(e).toMatchObject({ code: 'data_invalid', path: job.path, context: { rowGroup: 3 } });
      expect(e.message).toMatch(trapped ? /the Parquet decoder trapped in row group 3: boom/ : /cannot decode Parquet data in row group 3: boom/);
    }
  });

  it('wraps any thrown value, keeps an IcebergScanError as it is', () => {
    const scan = new IcebergScanError('aborted', 'scan aborted', { path: job.path });
    expect(asDecodeFailure(job, scan)).toBe(scan);
    const reported = asDecodeFailure(job, new DecoderError('bad page', false));
    expect(reported.message).toMatch(/cannot decode Parquet data/);
    expect(asDecodeFailure(job, new DecoderError('unreachable', true)).message).toMatch(/trapped/);
    // Anything that is not a DecoderError came from inside the decoder's call: counted as a trap.
    const odd = asDecodeFailure(job, new RangeError('offset out of bounds'));
    expect(isIcebergScanError(odd)).toBe(true);
    expect(odd).toMatchObject({ code: 'data_invalid', cause: expect.any(RangeError) });
    expect(asDecodeFailure(job, 'text').message).toMatch(/text/);
  });
});
