/**
 * Values as text in the format of Node's `util.inspect` (the text/plain of
 * a cell's value and of console.log's arguments), for a browser, which has
 * no `util`: primitives, arrays and typed arrays (at most `maxArrayLength`
 * items, then "... N more items"), plain objects and class instances
 * (`Name { a: 1 }`), Map, Set, Date, RegExp, Error, functions and classes,
 * nesting cut at `depth` (`[Object]`, `[Array]`) and cycles shown as
 * `[Circular *1]`. A value whose one-line form is longer than
 * `breakLength` puts one entry per line, indented by two spaces. What
 * differs from Node: no grouping of long arrays of numbers into columns, no
 * getters or symbols as keys, no colours.
 */

export interface InspectOptions {
  /** levels of nesting shown (default 2) */
  depth?: number;
  /** items shown of an array, typed array, Map or Set (default 100) */
  maxArrayLength?: number;
  /** longest one-line form (default 80 characters) */
  breakLength?: number;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const esc = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return q + (q === "'" ? esc.replace(/'/g, "\\'") : esc) + q;
}

function numberText(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function constructorName(v: object): string | null {
  const proto = Object.getPrototypeOf(v);
  if (proto === null) return null;
  return (proto.constructor as { name?: string } | undefined)?.name ?? 'Object';
}

/** `value` as Node's util.inspect shows it (see the module comment). */
export function inspect(value: unknown, opts: InspectOptions = {}): string {
  const depth = opts.depth ?? 2, maxItems = opts.maxArrayLength ?? 100, breakLength = opts.breakLength ?? 80;
  const seen: object[] = [];
  let circular = false;

  function wrap(open: string, entries: string[], close: string, indent: number): string {
    if (entries.length === 0) return `${open}${close}`;
    const one = `${open} ${entries.join(', ')} ${close}`;
    if (one.length + indent <= breakLength && !one.includes('\n')) return one;
    const pad = ' '.repeat(indent + 2);
    return `${open}\n${entries.map((e) => pad + e).join(',\n')}\n${' '.repeat(indent)}${close}`;
  }

  function fmt(v: unknown, level: number, indent: number): string {
    switch (typeof v) {
      case 'string': return quote(v);
      case 'number': return numberText(v);
      case 'bigint': return `${v}n`;
      case 'boolean': return String(v);
      case 'undefined': return 'undefined';
      case 'symbol': return v.toString();
      case 'function': {
        const src = Function.prototype.toString.call(v);
        if (src.startsWith('class')) return `[class ${v.name || '(anonymous)'}]`;
        return v.name ? `[Function: ${v.name}]` : '[Function (anonymous)]';
      }
    }
    if (v === null) return 'null';
    const o = v as object;
    if (seen.includes(o)) { circular = true; return '[Circular *1]'; }
    if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString();
    if (o instanceof RegExp) return String(o);
    if (o instanceof Error) return o.stack ?? `${o.name}: ${o.message}`;
    const name = constructorName(o);
    const isArray = Array.isArray(o);
    const typed = ArrayBuffer.isView(o) && !(o instanceof DataView);
    if (level > depth) {
      if (isArray) return '[Array]';
      return `[${name ?? 'Object: null prototype'}]`;
    }
    seen.push(o);
    try {
      const entries: string[] = [];
      if (isArray || typed) {
        const a = o as ArrayLike<unknown>;
        const n = Math.min(a.length, maxItems);
        for (let i = 0; i < n; i++) entries.push(fmt(a[i], level + 1, indent + 2));
        if (a.length > n) entries.push(`... ${a.length - n} more item${a.length - n > 1 ? 's' : ''}`);
        const prefix = typed ? `${name}(${a.length}) ` : isArray && name !== 'Array' ? `${name}(${a.length}) ` : '';
        return prefix + wrap('[', entries, ']', indent);
      }
      if (o instanceof Map) {
        let i = 0;
        for (const [k, x] of o) {
          if (i++ >= maxItems) { entries.push(`... ${o.size - maxItems} more items`); break; }
          entries.push(`${fmt(k, level + 1, indent + 2)} => ${fmt(x, level + 1, indent + 2)}`);
        }
        return wrap(`Map(${o.size}) {`, entries, '}', indent);
      }
      if (o instanceof Set) {
        let i = 0;
        for (const x of o) {
          if (i++ >= maxItems) { entries.push(`... ${o.size - maxItems} more items`); break; }
          entries.push(fmt(x, level + 1, indent + 2));
        }
        return wrap(`Set(${o.size}) {`, entries, '}', indent);
      }
      for (const k of Object.keys(o)) {
        entries.push(`${IDENT.test(k) ? k : quote(k)}: ${fmt((o as Record<string, unknown>)[k], level + 1, indent + 2)}`);
      }
      const open = name === 'Object' ? '{' : name === null ? '[Object: null prototype] {' : `${name} {`;
      return wrap(open, entries, '}', indent);
    } finally {
      seen.pop();
    }
  }

  const text = fmt(value, 0, 0);
  return circular ? `<ref *1> ${text}` : text;
}
