import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/expr/parse-filter.ts';
import { isIcebergScanError } from '../../../src/errors.ts';

const strip = (e: unknown): unknown => JSON.parse(JSON.stringify(e, (k, v) => (k === 'pos' || k === 'valuePos' ? undefined : v)));
const p = (text: string): unknown => strip(parseFilter(text));

describe('parseFilter', () => {
  it('parses comparisons with every operator spelling', () => {
    expect(p('a = 1')).toEqual({ op: 'eq', term: 'a', value: 1 });
    expect(p('a == 1')).toEqual({ op: 'eq', term: 'a', value: 1 });
    expect(p('a != 1')).toEqual({ op: 'notEq', term: 'a', value: 1 });
    expect(p('a <> 1')).toEqual({ op: 'notEq', term: 'a', value: 1 });
    expect(p('a < 1')).toEqual({ op: 'lt', term: 'a', value: 1 });
    expect(p('a <= 1')).toEqual({ op: 'ltEq', term: 'a', value: 1 });
    expect(p('a > 1')).toEqual({ op: 'gt', term: 'a', value: 1 });
    expect(p('a >= 1')).toEqual({ op: 'gtEq', term: 'a', value: 1 });
  });

  it('flips literal-first comparisons', () => {
    expect(p('5 < x')).toEqual({ op: 'gt', term: 'x', value: 5 });
    expect(p("'a' >= s")).toEqual({ op: 'ltEq', term: 's', value: 'a' });
  });

  it('parses the example of the issue with precedence and not', () => {
    expect(p("id > 5 and name in ('a', 'b') and not (x is null)")).toEqual({
      op: 'and',
      left: { op: 'and', left: { op: 'gt', term: 'id', value: 5 }, right: { op: 'in', term: 'name', values: ['a', 'b'] } },
      right: { op: 'not', child: { op: 'isNull', term: 'x' } },
    });
    expect(p('a = 1 or b = 2 and c = 3')).toEqual({
      op: 'or',
      left: { op: 'eq', term: 'a', value: 1 },
      right: { op: 'and', left: { op: 'eq', term: 'b', value: 2 }, right: { op: 'eq', term: 'c', value: 3 } },
    });
    expect(p('(a = 1 or b = 2) and c = 3')).toMatchObject({ op: 'and', left: { op: 'or' } });
  });

  it('parses between, in, is [not] null/nan, like and keywords case-insensitively', () => {
    expect(p('x BETWEEN 1 AND 5')).toEqual({ op: 'and', left: { op: 'gtEq', term: 'x', value: 1 }, right: { op: 'ltEq', term: 'x', value: 5 } });
    expect(p('x not between 1 and 5')).toMatchObject({ op: 'not', child: { op: 'and' } });
    expect(p('x NOT IN (1, 2)')).toEqual({ op: 'notIn', term: 'x', values: [1, 2] });
    expect(p('x is not null')).toEqual({ op: 'notNull', term: 'x' });
    expect(p('x IS NULL')).toEqual({ op: 'isNull', term: 'x' });
    expect(p('f is nan')).toEqual({ op: 'isNaN', term: 'f' });
    expect(p('f is not NaN')).toEqual({ op: 'notNaN', term: 'f' });
    expect(p("s like 'ab%'")).toEqual({ op: 'startsWith', term: 's', value: 'ab' });
    expect(p("s not like 'ab%'")).toEqual({ op: 'not', child: { op: 'startsWith', term: 's', value: 'ab' } });
    expect(p("s like 'a\\_b\\%%'")).toEqual({ op: 'startsWith', term: 's', value: 'a_b%' });
    expect(p("s like 'exact'")).toEqual({ op: 'eq', term: 's', value: 'exact' });
    expect(p('true')).toEqual({ op: 'true' });
    expect(p('not false')).toEqual({ op: 'true' });
  });

  it('folds comparisons of two literals into constants', () => {
    expect(p('1 = 1')).toEqual({ op: 'true' });
    expect(p('1 <> 1')).toEqual({ op: 'false' });
    expect(p('1 != 2')).toEqual({ op: 'true' });
    expect(p("'a' = 'a'")).toEqual({ op: 'true' });
    expect(p("'a' = 'b'")).toEqual({ op: 'false' });
    expect(p('1 < 2')).toEqual({ op: 'true' });
    expect(p('2 <= 1')).toEqual({ op: 'false' });
    expect(p('3 > 2.5')).toEqual({ op: 'true' });
    expect(p('-1 >= +1')).toEqual({ op: 'false' });
    expect(p('true = true')).toEqual({ op: 'true' });
    expect(p('false < true')).toEqual({ op: 'true' });
    expect(p("X'0a' < X'0b'")).toEqual({ op: 'true' });
    expect(p("'\x01'::BLOB = X'01'")).toEqual({ op: 'true' });
  });

  it('compares numeric literals exactly, by their text', () => {
    expect(p('1.0 = 1')).toEqual({ op: 'true' });
    expect(p('1e3 = 1000')).toEqual({ op: 'true' });
    expect(p('-0 = 0')).toEqual({ op: 'true' });
    expect(p('0.1 < 0.10000000000000001')).toEqual({ op: 'true' }); // equal as doubles, not as decimals
    expect(p('9223372036854775808 > 9223372036854775807')).toEqual({ op: 'true' });
    expect(p('1e400 > 1e399')).toEqual({ op: 'true' });
    expect(p('-1e400 < -1e399')).toEqual({ op: 'true' });
    expect(p('0.0001 < 0.001')).toEqual({ op: 'true' });
  });

  it('compares strings in code-point order and typed literals as their type', () => {
    expect(p(`'\uffff' < '\u{1F600}'`)).toEqual({ op: 'true' }); // UTF-16 code-unit order says the opposite
    expect(p("DATE '2024-01-01' < '2024-02-01'")).toEqual({ op: 'true' });
    expect(p("'2024-1-1' = DATE '2024-01-01'")).toEqual({ op: 'true' }); // a string takes the typed side's type
    expect(p("TIMESTAMP '2024-01-01 00:00' = TIMESTAMP '2024-01-01T00:00:00Z'")).toEqual({ op: 'true' });
    expect(p("UUID 'F79C3E09-677C-4BBD-A479-3F349CB785E7' = 'f79c3e09677c4bbda4793f349cb785e7'")).toEqual({ op: 'true' });
  });

  it('folds NOT of a constant and drops TRUE from AND (FALSE from OR)', () => {
    expect(p('NOT true')).toEqual({ op: 'false' });
    expect(p('not (1 = 1)')).toEqual({ op: 'false' });
    expect(p('not not (1 <> 1)')).toEqual({ op: 'false' });
    expect(p('true AND x > 1')).toEqual({ op: 'gt', term: 'x', value: 1 });
    expect(p('x > 1 and 1 = 1')).toEqual({ op: 'gt', term: 'x', value: 1 });
    expect(p('false or x > 1')).toEqual({ op: 'gt', term: 'x', value: 1 });
    expect(p('1 = 1 and 2 = 2')).toEqual({ op: 'true' });
    // The absorbing constant keeps the other side, so that binding still checks its columns.
    expect(p('false and x > 1')).toEqual({ op: 'and', left: { op: 'false' }, right: { op: 'gt', term: 'x', value: 1 } });
    expect(p('1 = 1 or x > 1')).toEqual({ op: 'or', left: { op: 'true' }, right: { op: 'gt', term: 'x', value: 1 } });
  });

  it('refuses comparisons of literals of incompatible types with invalid_argument', () => {
    for (const text of ["1 = 'a'", "'a' < 2", 'true = 1', "X'01' = 'a'", "DATE '2024-01-01' = TIME '10:00'", "DATE '2024-13-01' = '2024-01-01'", "UUID 'nope' = 'x'"]) {
      expect(errorAt(text), text).toBe(0);
    }
    expect(errorAt("x = 1 and 1 = 'a'")).toBe(10);
    expect(() => parseFilter("1 = 'a'")).toThrow(/cannot compare number 1 with string 'a'/);
    expect(errorAt('1 = null')).toBe(4);
  });

  it('parses IS [NOT] DISTINCT FROM', () => {
    expect(p("v is distinct from 'z'")).toEqual({ op: 'or', left: { op: 'notEq', term: 'v', value: 'z' }, right: { op: 'isNull', term: 'v' } });
    expect(p('v is not distinct from null')).toEqual({ op: 'isNull', term: 'v' });
  });

  it('parses identifiers: dotted paths, quoted names', () => {
    expect(p('a.b.c = 1')).toEqual({ op: 'eq', term: 'a.b.c', value: 1 });
    expect(p('"odd col" = 1')).toEqual({ op: 'eq', term: 'odd col', value: 1 });
    expect(p('`odd "x"` = 1')).toEqual({ op: 'eq', term: 'odd "x"', value: 1 });
    expect(p('"a""b" = 1')).toEqual({ op: 'eq', term: 'a"b', value: 1 });
    expect(p('col = "text"')).toEqual({ op: 'eq', term: 'col', value: 'text' });
  });

  it('parses literals of every form', () => {
    expect(p("s = 'it''s'")).toMatchObject({ value: "it's" });
    expect(p('x = -2.5')).toMatchObject({ value: -2.5 });
    expect(p('x = +3')).toMatchObject({ value: 3 });
    expect(p('x = 42.5630')).toMatchObject({ value: { kind: 'number', text: '42.5630' } });
    expect(p('x = 9223372036854775807')).toMatchObject({ value: { kind: 'number', text: '9223372036854775807' } });
    expect(p('x = 1e3')).toMatchObject({ value: { kind: 'number', text: '1e3' } });
    expect(p("b = X'0A0b'")).toMatchObject({ value: { kind: 'bytes', hex: '0a0b' } });
    expect(p("b = '\\x01\\xAA'::BLOB")).toMatchObject({ value: { kind: 'bytes', hex: '01aa' } });
    expect(p("d >= DATE '2025-01-01'")).toMatchObject({ op: 'gtEq', value: '2025-01-01' });
    expect(p("t = TIMESTAMP '2025-01-01 10:00:00'")).toMatchObject({ value: '2025-01-01 10:00:00' });
    expect(p('b = true')).toMatchObject({ value: true });
    expect(p("x = '5'::int")).toMatchObject({ value: '5' });
  });

  const errorAt = (text: string): number => {
    try {
      parseFilter(text);
    } catch (error) {
      expect(isIcebergScanError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('invalid_argument');
      return (error as { context: { position: number } }).context.position;
    }
    throw new Error(`no error for ${text}`);
  };

  it('reports errors with their offset', () => {
    expect(errorAt('')).toBe(0);
    expect(errorAt('id >')).toBe(4);
    expect(errorAt('id = = 3')).toBe(5);
    expect(errorAt('(a = 1')).toBe(6);
    expect(errorAt("a = 'x")).toBe(4);
    expect(errorAt('a = 1 b')).toBe(6);
    expect(errorAt('and')).toBe(0);
    expect(errorAt("a like '%x'")).toBe(8);
    expect(errorAt("a like 'a_b%'")).toBe(9);
    expect(errorAt('a = null')).toBe(4);
    expect(errorAt('a = NaN')).toBe(4);
    expect(errorAt('a in ()')).toBe(6);
    expect(errorAt('a is maybe')).toBe(5);
    expect(errorAt('a ~ 1')).toBe(2);
    expect(errorAt("b = X'0A0'")).toBe(4);
    expect(errorAt('i = 1 and p = i')).toBe(14);
  });

  it('records the offset of each predicate', () => {
    const e = parseFilter('a = 1 and  bb > 2') as { right: { pos: number } };
    expect(e.right.pos).toBe(11);
  });
});
