import { describe, expect, it } from 'vitest';
import { formatDecimal, singleValueToJson, unscaledOf } from '../../../src/metadata/single-value-json.ts';

describe('singleValueToJson', () => {
  it('encodes partition values in the spec JSON single-value form', () => {
    expect(singleValueToJson(7, 'int')).toBe(7);
    expect(singleValueToJson(2n ** 60n, 'long')).toBe('1152921504606846976');
    expect(singleValueToJson(5, 'long')).toBe(5);
    expect(singleValueToJson(17486, 'date')).toBe('2017-11-16');
    expect(singleValueToJson(81068123456n, 'time')).toBe('22:31:08.123456');
    expect(singleValueToJson(1510871468123456n, 'timestamp')).toBe('2017-11-16T22:31:08.123456');
    expect(singleValueToJson(1510871468123456n, 'timestamptz')).toBe('2017-11-16T22:31:08.123456+00:00');
    expect(singleValueToJson(-1n, 'timestamp_ns')).toBe('1969-12-31T23:59:59.999999999');
    expect(singleValueToJson(Buffer.from([0x05, 0x8c]), 'decimal(9,2)')).toBe('14.20');
    expect(singleValueToJson(Buffer.from([0xff]), 'decimal(3,2)')).toBe('-0.01');
    expect(singleValueToJson(Buffer.from([1, 2, 0xab]), 'binary')).toBe('0102ab');
    expect(singleValueToJson(Buffer.from('f79c3e09677c4bbda4793f349cb785e7', 'hex'), 'uuid')).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7');
    expect(singleValueToJson(null, 'int')).toBe(null);
    expect(singleValueToJson(Number.NaN, 'double')).toBe('NaN');
    expect(singleValueToJson(true, 'boolean')).toBe(true);
  });

  it('decodes two-complement unscaled decimals', () => {
    expect(unscaledOf(Uint8Array.from([0x80, 0x00]))).toBe(-32768n);
    expect(formatDecimal(5n, 3)).toBe('0.005');
    expect(formatDecimal(-123n, 0)).toBe('-123');
  });
});
