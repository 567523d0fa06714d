import { describe, expect, test } from 'vitest';
import { storageValueOf } from '../../../src/projection/json-value.ts';

describe('JSON single values → Arrow storage', () => {
  test.each([
    ['boolean', false, 0], ['int', 0, 0], ['int', -5, -5], ['long', '9223372036854775807', 9223372036854775807n], ['long', 3, 3n],
    ['float', 0.0, 0], ['double', 'NaN', NaN], ['date', '1970-01-01', 0], ['date', '2017-11-16', 17486], ['date', '1969-12-31', -1],
    ['date', '0001-01-01', -719162], ['date', '2024-02-29', 19782],
    ['time', '22:31:08.123456', 81068123456n], ['time', '00:00:01', 1000000n],
    ['timestamp', '2017-11-16T22:31:08.123456', 1510871468123456n], ['timestamp', '1969-12-31T23:59:59.999999', -1n],
    ['timestamptz', '2017-11-16T22:31:08.123456+00:00', 1510871468123456n], ['timestamptz', '2017-11-16T23:31:08.123456+01:00', 1510871468123456n],
    ['timestamp_ns', '2017-11-16T22:31:08.123456789', 1510871468123456789n],
    ['decimal(9, 2)', '14.20', 1420n], ['decimal(9, 2)', '-0.5', -50n], ['decimal(9, 0)', '1E+2', 100n], ['decimal(9, 3)', 1.5, 1500n],
    ['string', '', ''],
  ])('%s %j', (type, value, expected) => {
    expect(storageValueOf(type, value)).toEqual(expected);
  });

  test('bytes: uuid, fixed and binary hex', () => {
    expect(Array.from(storageValueOf('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7') as Uint8Array).slice(0, 3)).toEqual([0xf7, 0x9c, 0x3e]);
    expect(Array.from(storageValueOf('fixed[2]', '0aff') as Uint8Array)).toEqual([10, 255]);
    expect(Array.from(storageValueOf('binary', '') as Uint8Array)).toEqual([]);
  });

  test.each([
    ['int', 1.5], ['int', 2 ** 31], ['date', '2017/11/16'], ['date', '2022-02-30'], ['timestamp', '2022-13-01T00:00:00'], ['decimal(9, 1)', '1.25'], ['decimal(9, 0)', '10e-3'], ['fixed[3]', '0a'], ['uuid', 'nope'], ['boolean', 1],
  ])('invalid %s %j is data_invalid', (type, value) => {
    expect(() => storageValueOf(type, value)).toThrowError(expect.objectContaining({ code: 'data_invalid' }));
  });
});
