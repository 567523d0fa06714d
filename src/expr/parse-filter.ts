/**
 * The filter language: a SQL WHERE-flavoured text parsed into the unbound expression tree.
 *
 * Grammar (keywords case-insensitive):
 *
 *     expr      := or
 *     or        := and (OR and)*
 *     and       := unary (AND unary)*
 *     unary     := NOT unary | '(' expr ')' | TRUE | FALSE | predicate
 *     predicate := column op value | value op column | value op value
 *                | column [NOT] BETWEEN value AND value
 *                | column [NOT] IN '(' value (',' value)* ')'
 *                | column IS [NOT] NULL | column IS [NOT] NAN
 *                | column [NOT] LIKE 'prefix%'
 *                | column IS [NOT] DISTINCT FROM (value | NULL)
 *     op        := = | == | != | <> | < | <= | > | >=
 *     column    := name(.name)* | "quoted name" | `quoted name`
 *     value     := [+|-]number | 'string' | X'hex' | TRUE | FALSE
 *                | (DATE|TIME|TIMESTAMP|TIMESTAMPTZ|UUID) 'string' | value '::' type
 *
 * A quoted literal takes the type of the column it is compared with when bound (`ts >= '2021-10-31
 * 02:15:00'`, `d = '2024-01-26'`, `u = 'f79c3e09-…'`). Binary values are written `X'0A0B'`; a plain
 * string compared with a binary/fixed column means its UTF-8 bytes, and `'\x01\x02'::BLOB` (DuckDB
 * style) reads `\xHH` escapes. In value position (right of an operator) a double-quoted token is a
 * string literal, as some engines write it. LIKE supports prefix patterns only (`'abc%'`; `\%`, `\_`
 * escape); a pattern without wildcard means equality.
 *
 * Constants are folded while parsing: `value op value` (`1 = 1`, `'a' <> 'b'`, `DATE '2024-01-01' <
 * '2024-02-01'`) becomes `alwaysTrue` or `alwaysFalse` (see `compareConstants`; incompatible types
 * such as `1 = 'a'` are an `invalid_argument` error), `NOT` of a constant becomes the other constant,
 * and `TRUE AND e` / `FALSE OR e` become `e`. `FALSE AND e` and `TRUE OR e` keep `e` in the tree, so
 * that binding still reports an unknown column in it; the binder folds them.
 */
import { IcebergScanError } from '../errors.ts';
import { compareConstants, type ComparisonOp, type ConstantOperand } from './compare-constants.ts';
import * as E from './expression.ts';
import { LiteralError } from './literals.ts';
import type { Expression, Literal } from './expression.ts';

type TokKind = 'ident' | 'qident' | 'string' | 'number' | 'hex' | 'op' | 'punct' | 'eof';
interface Token { kind: TokKind; text: string; pos: number }

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'nan', 'like', 'true', 'false', 'distinct', 'from']);
const TYPED_PREFIX = new Set(['date', 'time', 'timestamp', 'timestamptz', 'uuid']);

function parseError(source: string, pos: number, message: string, expected?: string): IcebergScanError {
  const snippet = source.slice(Math.max(0, pos - 20), pos + 20);
  return new IcebergScanError('invalid_argument', `filter: ${message} at offset ${pos} (near ${JSON.stringify(snippet)})`, {
    expected,
    context: { position: pos, filter: source },
  });
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if ((c === 'x' || c === 'X') && src[i + 1] === "'") {
      const { text, end } = quoted(src, i + 1, "'");
      out.push({ kind: 'hex', text, pos: start });
      i = end;
    } else if (c === "'") {
      const { text, end } = quoted(src, i, "'");
      out.push({ kind: 'string', text, pos: start });
      i = end;
    } else if (c === '"' || c === '`') {
      const { text, end } = quoted(src, i, c);
      out.push({ kind: 'qident', text, pos: start });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ kind: 'number', text: m[0], pos: start });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*/.exec(src.slice(i))!;
      out.push({ kind: 'ident', text: m[0], pos: start });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['<=', '>=', '<>', '!=', '==', '::'].includes(two)) {
        out.push({ kind: two === '::' ? 'punct' : 'op', text: two, pos: start });
        i += 2;
      } else if ('=<>'.includes(c)) {
        out.push({ kind: 'op', text: c, pos: start });
        i++;
      } else if ('(),+-'.includes(c)) {
        out.push({ kind: 'punct', text: c, pos: start });
        i++;
      } else throw parseError(src, i, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;

  function quoted(s: string, at: number, q: string): { text: string; end: number } {
    let text = '';
    let j = at + 1;
    for (;;) {
      if (j >= s.length) throw parseError(s, at, `unterminated quoted text`, `a closing ${q}`);
      if (s[j] === q) {
        if (s[j + 1] === q) { text += q; j += 2; continue; }
        return { text, end: j + 1 };
      }
      text += s[j++];
    }
  }
}

const OPS: Record<string, E.LiteralOp> = { '=': 'eq', '==': 'eq', '!=': 'notEq', '<>': 'notEq', '<': 'lt', '<=': 'ltEq', '>': 'gt', '>=': 'gtEq' };
const FLIP: Record<string, E.LiteralOp> = { eq: 'eq', notEq: 'notEq', lt: 'gt', ltEq: 'gtEq', gt: 'lt', gtEq: 'ltEq' };

/**
 * Parses filter text into an unbound expression.
 *
 * @param text The filter, e.g. `id > 5 and name in ('a', 'b') and not (x is null)`.
 * @returns The expression tree (bind it with `bindExpression`).
 * @throws IcebergScanError `invalid_argument` with `context.position` (offset in `text`).
 */
export function parseFilter(text: string): Expression {
  const toks = tokenize(text);
  let k = 0;
  const peek = (o = 0): Token => toks[Math.min(k + o, toks.length - 1)];
  const next = (): Token => toks[k++];
  const isKw = (t: Token, kw: string): boolean => t.kind === 'ident' && t.text.toLowerCase() === kw;
  const expectKw = (kw: string): Token => {
    const t = next();
    if (!isKw(t, kw)) throw parseError(text, t.pos, `expected ${kw.toUpperCase()}, found ${show(t)}`);
    return t;
  };
  const expectPunct = (p: string): void => {
    const t = next();
    if (t.kind !== 'punct' || t.text !== p) throw parseError(text, t.pos, `expected '${p}', found ${show(t)}`);
  };
  const show = (t: Token): string => (t.kind === 'eof' ? 'end of filter' : `'${text.slice(t.pos, t.pos + Math.max(1, t.text.length))}'`);

  const orExpr = (): Expression => {
    let left = andExpr();
    while (isKw(peek(), 'or')) { next(); left = orFolded(left, andExpr()); }
    return left;
  };
  const andExpr = (): Expression => {
    let left = unary();
    while (isKw(peek(), 'and')) { next(); left = andFolded(left, unary()); }
    return left;
  };
  const unary = (): Expression => {
    const t = peek();
    if (isKw(t, 'not')) { next(); return notFolded(unary()); }
    if (t.kind === 'punct' && t.text === '(') {
      next();
      const e = orExpr();
      expectPunct(')');
      return e;
    }
    const after = peek(1);
    if ((isKw(t, 'true') || isKw(t, 'false')) && after.kind !== 'op') {
      next();
      return isKw(t, 'true') ? E.alwaysTrue() : E.alwaysFalse();
    }
    return predicate();
  };

  const isColumnStart = (t: Token): boolean =>
    t.kind === 'qident' || (t.kind === 'ident' && !KEYWORDS.has(t.text.toLowerCase()) && !(TYPED_PREFIX.has(t.text.toLowerCase()) && peekAfter(t).kind === 'string'));
  const peekAfter = (t: Token): Token => toks[toks.indexOf(t) + 1] ?? toks[toks.length - 1];

  const predicate = (): Expression => {
    const t = peek();
    if (!isColumnStart(t)) {
      // `value op column`, or `value op value` (a constant)
      if (t.kind === 'eof') throw parseError(text, t.pos, 'unexpected end of filter', 'a column name');
      if (!isLiteralStart(t)) throw parseError(text, t.pos, `expected a column name, found ${show(t)}`, 'a column name');
      const left = operand();
      const value = left.value;
      const opTok = next();
      if (opTok.kind !== 'op') throw parseError(text, opTok.pos, `expected a comparison operator, found ${show(opTok)}`);
      const col = peek();
      if (isKw(col, 'null')) throw parseError(text, col.pos, `comparison with NULL is never true`, 'IS NULL / IS NOT NULL');
      if (!isColumnStart(col) && isLiteralStart(col)) return constant(left, OPS[opTok.text] as ComparisonOp);
      if (!isColumnStart(col)) throw parseError(text, col.pos, `expected a column name, found ${show(col)}`, 'a column name');
      next();
      return { op: FLIP[OPS[opTok.text]], term: col.text, value, pos: col.pos };
    }
    const col = next();
    const term = col.text;
    const pos = col.pos;
    const op = peek();
    if (op.kind === 'op') {
      next();
      if (isKw(peek(), 'null')) throw parseError(text, peek().pos, `comparison with NULL is never true`, 'IS NULL / IS NOT NULL');
      const at = peek().pos;
      return { op: OPS[op.text], term, value: literal(), pos, valuePos: [at] };
    }
    let negated = false;
    if (isKw(op, 'is')) {
      next();
      if (isKw(peek(), 'not')) { next(); negated = true; }
      const what = next();
      if (isKw(what, 'null')) return { op: negated ? 'notNull' : 'isNull', term, pos };
      if (isKw(what, 'nan')) return { op: negated ? 'notNaN' : 'isNaN', term, pos };
      if (isKw(what, 'distinct')) {
        expectKw('from');
        if (isKw(peek(), 'null')) { next(); return { op: negated ? 'isNull' : 'notNull', term, pos }; }
        const value = literal();
        // IS DISTINCT FROM v: true for null and for every other value; IS NOT DISTINCT FROM v: = v.
        return negated ? { op: 'eq', term, value, pos } : E.or({ op: 'notEq', term, value, pos }, { op: 'isNull', term, pos });
      }
      throw parseError(text, what.pos, `expected NULL, NAN or DISTINCT FROM after IS, found ${show(what)}`);
    }
    if (isKw(op, 'not')) { next(); negated = true; }
    const kw = next();
    if (isKw(kw, 'between')) {
      const loPos = peek().pos;
      const lo = literal();
      expectKw('and');
      const hiPos = peek().pos;
      const hi = literal();
      const e = E.and({ op: 'gtEq', term, value: lo, pos, valuePos: [loPos] }, { op: 'ltEq', term, value: hi, pos, valuePos: [hiPos] });
      return negated ? E.not(e) : e;
    }
    if (isKw(kw, 'in')) {
      expectPunct('(');
      const valuePos = [peek().pos];
      const values: Literal[] = [literal()];
      while (peek().kind === 'punct' && peek().text === ',') { next(); valuePos.push(peek().pos); values.push(literal()); }
      expectPunct(')');
      return { op: negated ? 'notIn' : 'in', term, values, pos, valuePos };
    }
    if (isKw(kw, 'like')) {
      const pat = next();
      if (pat.kind !== 'string') throw parseError(text, pat.pos, `expected a quoted pattern after LIKE, found ${show(pat)}`);
      const e = likeToExpression(term, pat, pos);
      return negated ? E.not(e) : e;
    }
    throw parseError(text, kw.pos, `expected an operator after column '${term}', found ${show(kw)}`, 'a comparison, IS, IN, BETWEEN or LIKE');
  };

  const isLiteralStart = (t: Token): boolean =>
    t.kind === 'number' || t.kind === 'string' || t.kind === 'hex' || (t.kind === 'punct' && (t.text === '-' || t.text === '+')) || isKw(t, 'true') || isKw(t, 'false') || (t.kind === 'ident' && TYPED_PREFIX.has(t.text.toLowerCase()));

  /** A literal with the type its prefix names (`DATE '…'`), for constant comparisons. */
  const operand = (): ConstantOperand & { pos: number } => {
    const t = peek();
    const typed = t.kind === 'ident' && TYPED_PREFIX.has(t.text.toLowerCase()) && peek(1).kind === 'string';
    return { value: literal(), ...(typed ? { type: t.text.toLowerCase() } : {}), pos: t.pos };
  };

  /** `left op value`, both literals: decided now. */
  const constant = (left: ConstantOperand & { pos: number }, op: ComparisonOp): Expression => {
    const right = operand();
    try {
      return compareConstants(left, op, right) ? E.alwaysTrue() : E.alwaysFalse();
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      throw new IcebergScanError('invalid_argument', `filter: ${error.message} at offset ${left.pos}`, {
        expected: 'two literals of the same type (a number, a string, a boolean, bytes, or one typed literal and a string)',
        context: { position: left.pos, filter: text },
      });
    }
  };

  const likeToExpression = (term: string, pat: Token, pos: number): Expression => {
    let prefix = '';
    const raw = pat.text;
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i];
      if (ch === '\\' && i + 1 < raw.length) { prefix += raw[++i]; continue; }
      if (ch === '%') {
        if (i !== raw.length - 1) throw parseError(text, pat.pos + 1 + i, `LIKE supports prefix patterns only ('abc%')`);
        return { op: 'startsWith', term, value: prefix, pos };
      }
      if (ch === '_') throw parseError(text, pat.pos + 1 + i, `LIKE wildcard '_' is not supported (escape it as \\_)`);
      prefix += ch;
    }
    return { op: 'eq', term, value: prefix, pos };
  };

  const literal = (): Literal => {
    const t = next();
    let value: Literal;
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+')) {
      const n = next();
      if (n.kind !== 'number') throw parseError(text, n.pos, `expected a number after '${t.text}', found ${show(n)}`);
      value = numberLiteral(t.text === '-' ? `-${n.text}` : n.text);
    } else if (t.kind === 'number') value = numberLiteral(t.text);
    else if (t.kind === 'string' || t.kind === 'qident') value = t.text;
    else if (t.kind === 'hex') {
      if (!/^[0-9a-fA-F]*$/.test(t.text) || t.text.length % 2) throw parseError(text, t.pos, `invalid hex literal`, 'an even number of hex digits');
      value = { kind: 'bytes', hex: t.text.toLowerCase() };
    } else if (isKw(t, 'true') || isKw(t, 'false')) value = isKw(t, 'true');
    else if (t.kind === 'ident' && TYPED_PREFIX.has(t.text.toLowerCase()) && peek().kind === 'string') value = next().text;
    else if (isKw(t, 'nan')) throw parseError(text, t.pos, 'NaN is not a valid literal', 'IS NAN');
    else throw parseError(text, t.pos, `expected a value, found ${show(t)}`, 'a number, a quoted string, X\'hex\', TRUE or FALSE');
    while (peek().kind === 'punct' && peek().text === '::') {
      next();
      const type = next();
      if (type.kind !== 'ident') throw parseError(text, type.pos, `expected a type name after '::'`);
      if (/^(blob|bytea|binary|varbinary)$/i.test(type.text) && typeof value === 'string') value = blobLiteral(value, t.pos);
    }
    return value;
  };

  const blobLiteral = (s: string, pos: number): Literal => {
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '\\' && /^x[0-9a-fA-F]{2}$/i.test(s.slice(i + 1, i + 4))) {
        bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        const code = s.codePointAt(i)!;
        if (code > 0x7f) throw parseError(text, pos, 'non-ASCII character in a BLOB literal', '\\xHH escapes');
        bytes.push(code);
      }
    }
    return { kind: 'bytes', hex: bytes.map((b) => b.toString(16).padStart(2, '0')).join('') };
  };

  if (toks.length === 1) throw parseError(text, 0, 'empty filter', 'an expression');
  const result = orExpr();
  const rest = peek();
  if (rest.kind !== 'eof') throw parseError(text, rest.pos, `unexpected ${show(rest)}`, 'AND, OR or the end of the filter');
  return result;
}

function notFolded(e: Expression): Expression {
  return e.op === 'true' ? E.alwaysFalse() : e.op === 'false' ? E.alwaysTrue() : E.not(e);
}

// Only the identity constant is dropped: `FALSE AND e` keeps `e`, so binding still validates it.
function andFolded(left: Expression, right: Expression): Expression {
  return left.op === 'true' ? right : right.op === 'true' ? left : E.and(left, right);
}

function orFolded(left: Expression, right: Expression): Expression {
  return left.op === 'false' ? right : right.op === 'false' ? left : E.or(left, right);
}

function numberLiteral(text: string): Literal {
  const n = Number(text);
  return String(n) === text && Number.isFinite(n) ? n : { kind: 'number', text };
}
