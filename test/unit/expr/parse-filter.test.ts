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
    expect(p('not false')).toEqual({ op: 'not', child: { op: 'false' } });
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
