/**
 * The browser build's `util` (what avsc uses): `inherits`, `format`, `debuglog`, `deprecate`.
 */

/** Makes `ctor` inherit `superCtor`'s prototype (Node's legacy `util.inherits`). */
export function inherits(ctor: { prototype: object; super_?: unknown }, superCtor: { prototype: object }): void {
  ctor.super_ = superCtor;
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

/** `printf`-like formatting: `%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%O`, `%%`; other arguments appended. */
export function format(template?: unknown, ...args: unknown[]): string {
  if (typeof template !== 'string') return [template, ...args].map(show).join(' ');
  let i = 0;
  const out = template.replace(/%[sdifjoO%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= args.length) return m;
    const a = args[i++];
    switch (m) {
      case '%d':
      case '%i':
        return String(m === '%i' ? Math.trunc(Number(a)) : Number(a));
      case '%f':
        return String(Number(a));
      case '%j':
        return safeJson(a);
      default:
        return show(a);
    }
  });
  return [out, ...args.slice(i).map(show)].join(' ');
}

function safeJson(a: unknown): string {
  try {
    return JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return '[Circular]';
  }
}

function show(a: unknown): string {
  return typeof a === 'string' ? a : typeof a === 'object' && a !== null ? safeJson(a) : String(a);
}

/** A logger that logs nothing (there is no `NODE_DEBUG` in a page). */
export function debuglog(_section: string): (...args: unknown[]) => void {
  return () => undefined;
}

/** Returns `fn` itself (no deprecation warnings in a page). */
export function deprecate<T>(fn: T, _message?: string): T {
  return fn;
}

export default { inherits, format, debuglog, deprecate };
