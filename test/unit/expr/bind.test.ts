import { describe, expect, it } from 'vitest';
import { bindExpression, unbindExpression, referencedFieldIds, type BoundExpression } from '../../../src/expr/bind.ts';
import * as E from '../../../src/expr/expression.ts';
import { parseFilter } from '../../../src/expr/parse-filter.ts';
import { SCHEMA } from './schema-fixture.ts';


const bind = (text: string, caseSensitive = true): BoundExpression => bindExpression(parseFilter(text), SCHEMA, { caseSensitive });
const valueOf = (text: string): unknown => (bind(text) as { value: unknown }).value;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('bindExpression', () => {
  it('resolves names, nested paths, quoted names and field ids', () => {
    expect(bind('id > 5')).toMatchObject({ op: 'gt', ref: { fieldId: 1, name: 'id' }, value: 5n });
    expect(bind('s.inner = 3')).toMatchObject({ ref: { fieldId: 9, name: 's.inner' }, value: 3 });
    expect(bind('"odd col" = 3')).toMatchObject({ ref: { fieldId: 7 } });
    expect(bindExpression({ op: 'eq', term: 'whatever', fieldId: 2, value: 'x' }, SCHEMA)).toMatchObject({ ref: { fieldId: 2 } });
  });

  it('honours case sensitivity', () => {
    expect(codeOf(() => bind('amount = 1'))).toBe('invalid_argument');
    expect(bind('amount = 1', false)).toMatchObject({ ref: { fieldId: 3, name: 'Amount' } });
  });

  it('names the column and the position in errors', () => {
    try {
      bind('id > 1 and nope = 2');
      throw new Error('no error');
    } catch (error) {
      const e = error as { code: string; context: Record<string, unknown>; message: string };
      expect(e.code).toBe('invalid_argument');
      expect(e.context.column).toBe('nope');
      expect(e.context.position).toBe(11);
    }
    const positionOf = (text: string): unknown => {
      try {
        bind(text);
      } catch (error) {
        return (error as { context: { position: unknown } }).context.position;
      }
      return undefined;
    };
    expect(positionOf("i = 'abc'")).toBe(4);
    expect(positionOf("i in (1, 2, 'x')")).toBe(12);
    expect(positionOf("d between '2024-01-01' and '2024-13-01'")).toBe(27);
    expect(codeOf(() => bind('l.element = 1'))).toBe('invalid_argument');
    expect(codeOf(() => bind('s = 1'))).toBe('invalid_argument');
    expect(codeOf(() => bind("name is nan"))).toBe('invalid_argument');
    expect(codeOf(() => bind("i like 'a%'"))).toBe('invalid_argument');
    expect(codeOf(() => bind("i = 'abc'"))).toBe('invalid_argument');
    expect(codeOf(() => bind('name = 5'))).toBe('invalid_argument');
    expect(codeOf(() => bind("d = '2024-02-30'"))).toBe('invalid_argument');
  });

  it('converts literals of every type exactly', () => {
    expect(valueOf('id = 9223372036854775807')).toBe(9223372036854775807n);
    expect(valueOf('Amount = 2.718')).toBe(2718n);
    expect(valueOf("Amount = '-0.5'")).toBe(-500n);
    expect(valueOf('Amount = 42.5630')).toBe(42563n);
    expect(valueOf("d = '2024-01-26'")).toBe(19748);
    expect(valueOf("d = '1969-12-31'")).toBe(-1);
    expect(valueOf("ts >= '2021-10-31 02:15:00'")).toBe(1635646500000000n);
    expect(valueOf("ts = '2023-05-15T16:30:45+02'")).toBe(1684161045000000n);
    expect(valueOf("ts = '1969-12-31T23:59:59.999999Z'")).toBe(-1n);
    expect(valueOf("tn = '2017-11-16T22:31:08.000001001'")).toBe(1510871468000001001n);
    expect(codeOf(() => bind("ts = '2017-11-16T22:31:08.000001001'"))).toBe('invalid_argument');
    expect(valueOf("t = '22:31:08.5'")).toBe(81068500000n);
    expect(valueOf('f > 2.718')).toBe(2.718);
    expect(valueOf('fl > 1.23')).toBe(Math.fround(1.23));
    expect(valueOf("f > '1e3'")).toBe(1000);
    expect(valueOf('flag = true')).toBe(true);
    expect(valueOf("flag = 'FALSE'")).toBe(false);
    expect(valueOf("u = 'F79C3E09-677C-4BBD-A479-3F349CB785E7'")).toEqual(Uint8Array.from([0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7]));
    expect(valueOf("b = X'0A0B'")).toEqual(Uint8Array.from([10, 11]));
    expect(valueOf("b = 'hi'")).toEqual(Uint8Array.from([104, 105]));
    expect(valueOf("fx = X'0102'")).toEqual(Uint8Array.from([1, 2]));
    expect(codeOf(() => bind("fx = X'010203'"))).toBe('invalid_argument');
    expect(valueOf("name = 'x'")).toBe('x');
  });

  it('pushes not down to the leaves and folds constants', () => {
    expect(bind('not (i = 1)')).toMatchObject({ op: 'notEq' });
    expect(bind('not (i < 1 and name is null)')).toMatchObject({ op: 'or', left: { op: 'gtEq' }, right: { op: 'notNull' } });
    expect(bind("not (name like 'a%')")).toMatchObject({ op: 'notStartsWith' });
    expect(bind('not (i in (1, 2))')).toMatchObject({ op: 'notIn', values: [1, 2] });
    expect(bind('not (f is nan)')).toMatchObject({ op: 'notNaN' });
    expect(bind('id is null')).toEqual({ op: 'false' });
    expect(bind('id is not null and i = 1')).toMatchObject({ op: 'eq' });
    expect(bind('i in (3, 1, 3)')).toMatchObject({ op: 'in', values: [1, 3] });
    expect(bind('i in (3, 3)')).toMatchObject({ op: 'eq', value: 3 });
    expect(bind('true or i = 1')).toEqual({ op: 'true' });
    expect(bindExpression(E.isIn('i', []), SCHEMA)).toEqual({ op: 'false' });
  });

  it('binds constant filters to alwaysTrue / alwaysFalse', () => {
    expect(bind('true')).toEqual({ op: 'true' });
    expect(bind('false')).toEqual({ op: 'false' });
    expect(bind('1 = 1')).toEqual({ op: 'true' });
    expect(bind('1 <> 1')).toEqual({ op: 'false' });
    expect(bind("'a' = 'a'")).toEqual({ op: 'true' });
    expect(bind('1 < 2')).toEqual({ op: 'true' });
    expect(bind('NOT true')).toEqual({ op: 'false' });
    expect(bind('true AND i > 1')).toMatchObject({ op: 'gt', ref: { fieldId: 18 }, value: 1 });
    expect(bind('false AND i > 1')).toEqual({ op: 'false' });
    expect(bind('1 <> 1 or i > 1')).toMatchObject({ op: 'gt' });
    expect(bind('1 = 1 or i > 1')).toEqual({ op: 'true' });
    expect(bindExpression(E.alwaysFalse(), SCHEMA)).toEqual({ op: 'false' });
    expect(bindExpression(E.not(E.alwaysFalse()), SCHEMA)).toEqual({ op: 'true' });
    expect(unbindExpression(bind('1 <> 1'))).toEqual(E.alwaysFalse());
  });

  it('still checks the columns a constant makes irrelevant', () => {
    expect(codeOf(() => bind('false and nope > 1'))).toBe('invalid_argument');
    expect(codeOf(() => bind('1 = 1 or nope > 1'))).toBe('invalid_argument');
  });

  it('refuses constant comparisons of incompatible literals with invalid_argument', () => {
    expect(codeOf(() => bind("1 = 'a'"))).toBe('invalid_argument');
    expect(codeOf(() => bind("i > 1 and true = 'x'"))).toBe('invalid_argument');
  });

  it('round-trips through JSON via unbind (residuals)', () => {
    const b = bind("id > 9007199254740993 and Amount = 14.2 and u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7' and b = X'00ff' and ts < '2020-01-01' and d = '2020-01-02'");
    const json = JSON.parse(JSON.stringify(unbindExpression(b)));
    expect(bindExpression(json, SCHEMA)).toEqual(b);
    expect([...referencedFieldIds(b)].sort((x, y) => x - y)).toEqual([1, 3, 4, 5, 12, 13]);
  });

  it('builders produce the same tree as the parser', () => {
    const built = E.and(E.gt('id', 5n), E.isIn('name', ['a', 'b']), E.not(E.isNull('i')));
    expect(bindExpression(built, SCHEMA)).toEqual(bind("id > 5 and name in ('a', 'b') and not (i is null)"));
    expect(bindExpression(E.eq('b', new Uint8Array([1])), SCHEMA)).toEqual(bind("b = X'01'"));
    expect(bindExpression(E.lt('ts', new Date('2020-01-01T00:00:00Z')), SCHEMA)).toEqual(bind("ts < '2020-01-01'"));
  });
});

describe('integer literals written with a zero fraction', () => {
  it('accepts 1.0 for int and long columns', () => {
    expect((bindExpression(parseFilter('i = 1.0'), SCHEMA) as { value: unknown }).value).toBe(1);
    expect((bindExpression(parseFilter('id = 10.00'), SCHEMA) as { value: unknown }).value).toBe(10n);
  });

  it('rewrites comparisons with literals an integer or decimal column cannot hold', () => {
    const b = (t: string): unknown => bindExpression(parseFilter(t), SCHEMA);
    expect(b('i < 2.5')).toMatchObject({ op: 'lt', value: 3 });
    expect(b('i <= 2.5')).toMatchObject({ op: 'ltEq', value: 2 });
    expect(b('i > -2.5')).toMatchObject({ op: 'gt', value: -3 });
    expect(b('i >= -2.5')).toMatchObject({ op: 'gtEq', value: -2 });
    expect(b('i = 2.5')).toEqual({ op: 'false' });
    expect(b('i != 2.5')).toMatchObject({ op: 'notNull', ref: { fieldId: 18 } });
    expect(b('i in (1, 2.5, 3)')).toMatchObject({ op: 'in', values: [1, 3] });
    expect(b('i not in (2.5)')).toMatchObject({ op: 'notNull' });
    expect(b('i < 3000000000')).toMatchObject({ op: 'notNull' });
    expect(b('i > 3000000000')).toEqual({ op: 'false' });
    expect(b('i > -3000000000')).toMatchObject({ op: 'notNull' });
    expect(b('i = 3000000000')).toEqual({ op: 'false' });
    expect(b('id < 9223372036854775808')).toEqual({ op: 'true' });
    expect(b('id = 1.5')).toEqual({ op: 'false' });
    expect(b('Amount > 2.7185')).toMatchObject({ op: 'gt', value: 2718n });
    expect(b('Amount < 2.7185')).toMatchObject({ op: 'lt', value: 2719n });
    expect(b('Amount = 1.2345')).toEqual({ op: 'false' });
    expect(b('Amount < 1e7')).toMatchObject({ op: 'notNull' });
    expect(() => b("i < 'x'")).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('metadata columns', () => {
  it('binds _file, _pos, _spec_id, _row_id and _last_updated_sequence_number to their reserved ids', () => {
    expect(bindExpression(parseFilter("_file = 'a.parquet'"), SCHEMA)).toMatchObject({ ref: { fieldId: 2147483646, type: { kind: 'string' } } });
    expect(bindExpression(parseFilter('_pos < 10'), SCHEMA)).toMatchObject({ ref: { fieldId: 2147483645 }, value: 10n });
    expect(bindExpression(parseFilter('_ROW_ID = 1'), SCHEMA, { caseSensitive: false })).toMatchObject({ ref: { fieldId: 2147483540 } });
    expect(bindExpression(parseFilter('_last_updated_sequence_number > 1'), SCHEMA)).toMatchObject({ ref: { fieldId: 2147483539 } });
    expect(bindExpression({ op: 'eq', term: '_spec_id', fieldId: 2147483643, value: 0 }, SCHEMA)).toMatchObject({ ref: { name: '_spec_id' } });
  });
});

describe('expression JSON validation', () => {
  it('rejects malformed trees with invalid_argument instead of crashing', () => {
    for (const bad of [{ op: 'eq' }, { op: 'bogus', term: 'i' }, { op: 'eq', term: 5, value: 1 }, { op: 'in', term: 'i', values: 1 }, { op: 'and', left: { op: 'true' } }, null, 'i = 1']) {
      expect(() => bindExpression(bad as never, SCHEMA)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });
});

describe('rewritten integer comparisons agree with exact arithmetic', () => {
  it('for random int values and fractional or out-of-range literals', async () => {
    const fc = (await import('fast-check')).default;
    const { evaluateRecord } = await import('../../../src/expr/test-value.ts');
    const ops = { lt: (a: number, b: number) => a < b, ltEq: (a: number, b: number) => a <= b, gt: (a: number, b: number) => a > b, gtEq: (a: number, b: number) => a >= b, eq: (a: number, b: number) => a === b, notEq: (a: number, b: number) => a !== b };
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e12, -1e12, 2.5, -2.5)),
        fc.constantFrom(...(Object.keys(ops) as (keyof typeof ops)[])),
        (x, v, op) => {
          const bound = bindExpression({ op, term: 'i', value: v }, SCHEMA);
          expect(evaluateRecord(bound, () => x)).toBe(ops[op](x, v));
          expect(evaluateRecord(bound, () => null)).toBe(false);
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});
