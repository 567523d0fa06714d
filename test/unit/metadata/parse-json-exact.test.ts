import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../../src/metadata/parse-json-exact.ts';

describe('parseJsonExact', () => {
  it('keeps integers above 2^53 exact as decimal strings', () => {
    const v = parseJsonExact('{"a": 9223372036854775807, "b": -7342794868382145167, "c": 12, "d": 1.5e300}') as Record<string, unknown>;
    expect(v).toEqual({ a: '9223372036854775807', b: '-7342794868382145167', c: 12, d: 1.5e300 });
  });

  it('leaves digits inside strings and escaped quotes alone', () => {
    expect(parseJsonExact('["9223372036854775807", "a\\"12345678901234567890", 12345678901234567890]')).toEqual([
      '9223372036854775807',
      'a"12345678901234567890',
      '12345678901234567890',
    ]);
  });

  it('keeps safe integers of 16 digits as numbers', () => {
    expect(parseJsonExact('[9007199254740991, 1000000000000000]')).toEqual([9007199254740991, 1000000000000000]);
  });

  it('equals JSON.parse on JSON without unsafe integers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const hasUnsafe = /-?\d{16,}/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
        fc.pre(!hasUnsafe);
        expect(parseJsonExact(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it('throws SyntaxError on invalid JSON', () => {
    expect(() => parseJsonExact('{"a": ')).toThrow(SyntaxError);
  });
});
