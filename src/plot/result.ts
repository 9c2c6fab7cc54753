/**
 * The one shape of every analysis result (issue [7]): what a command returns,
 * what a notebook cell binds (`const r = %vdos ...`) and what the display
 * renders.
 *
 *   r.kind        a tag naming the analysis ('vdos', 'self-dynamics', ...)
 *   r.summary()   one or more lines of text (what the command prints)
 *   r.table()     the main table as columns and rows (what the command's CSV holds)
 *   r.figure()    a Plotly figure, or several
 *   r.toJSON()    { kind, version, data }: the fields the result is built
 *                 from, typed arrays and non-finite numbers encoded so that
 *                 JSON.stringify keeps them; loadResult (src/protocols/results.ts,
 *                 'glasslab') rebuilds the result from it
 *
 * It sits here, below the analyses, because results build their own
 * figures and tables; src/display renders any AnalysisResult by this
 * protocol, without sniffing.
 */
import { isPlotlyFigure, type PlotlyFigure } from './figure.ts';

/** A table: column names and rows of cells (each row has one cell per column). */
export interface TableData {
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
  /** row labels (a DataFrame's index); default 0, 1, 2, ... */
  index?: readonly unknown[];
}

/** The saved form of a result: JSON-safe (see encodeResultData). */
export interface ResultJSON<K extends string = string> {
  kind: K;
  /** layout of `data` for this kind (bumped when its fields change) */
  version: number;
  data: unknown;
}

export interface AnalysisResult<K extends string = string> {
  readonly kind: K;
  /** text, one line per fact; the first line stands alone */
  summary(): string;
  /** the main table (the command's CSV) */
  table(): TableData;
  figure(): PlotlyFigure | PlotlyFigure[];
  toJSON(): ResultJSON<K>;
}

/** True for a value that implements the result protocol. */
export function isAnalysisResult(v: unknown): v is AnalysisResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.kind === 'string' && typeof r.summary === 'function' && typeof r.table === 'function'
    && typeof r.figure === 'function' && typeof r.toJSON === 'function';
}

/** The figures of a result as a list (figure() may give one or several). */
export function resultFigures(r: AnalysisResult): PlotlyFigure[] {
  const f = r.figure();
  return Array.isArray(f) ? f : [f];
}

/** Problems of a table: a row whose length differs from the columns' (empty when none). */
export function tableProblems(t: TableData): string[] {
  const bad: string[] = [];
  t.rows.forEach((row, i) => {
    if (row.length !== t.columns.length) bad.push(`row ${i} has ${row.length} cells for ${t.columns.length} columns`);
  });
  if (t.index && t.index.length !== t.rows.length) bad.push(`index has ${t.index.length} labels for ${t.rows.length} rows`);
  return bad;
}

/** CSV text of a table (header line, then one line per row); `cell` formats each value. */
export function tableCsv(t: TableData, cell: (v: unknown) => string = String): string {
  return [t.columns.join(','), ...t.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// JSON encoding of result data

const TYPED = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

function typedName(v: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return undefined;
  const name = v.constructor.name as TypedName;
  return name in TYPED ? name : undefined;
}

function encodeNumber(x: number): number | { $num: string } {
  return Number.isFinite(x) ? x : { $num: String(x) };
}

/**
 * Data -> a JSON-safe value: typed arrays become `{ $typed, data }`,
 * NaN and +-Infinity `{ $num }` (JSON.stringify would write null), Maps
 * `{ $map: [[k, v], ...] }`; functions and undefined fields are dropped.
 */
export function encodeResultData(v: unknown): unknown {
  if (typeof v === 'number') return encodeNumber(v);
  if (typeof v !== 'object' || v === null) return typeof v === 'function' ? undefined : v;
  const t = typedName(v);
  if (t) return { $typed: t, data: Array.from(v as unknown as ArrayLike<number>, encodeNumber) };
  if (Array.isArray(v)) return v.map(encodeResultData);
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [encodeResultData(k), encodeResultData(x)]) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'function' || x === undefined) continue;
    out[k] = encodeResultData(x);
  }
  return out;
}

/** The inverse of encodeResultData. */
export function decodeResultData<T = unknown>(v: unknown): T {
  return decode(v) as T;
}

function decode(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
  if (typeof o.$typed === 'string' && Array.isArray(o.data)) {
    const C = TYPED[o.$typed as TypedName];
    if (!C) throw new Error(`loadResult: unknown typed array '${o.$typed}'`);
    return C.from((o.data as unknown[]).map((x) => Number(decode(x))));
  }
  if (Array.isArray(o.$map) && Object.keys(o).length === 1) return new Map((o.$map as unknown[][]).map(([k, x]) => [decode(k), decode(x)]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decode(x);
  return out;
}

/** The toJSON form of a result of `kind` built from `data`. */
export function resultJSON<K extends string>(kind: K, version: number, data: unknown): ResultJSON<K> {
  return { kind, version, data: encodeResultData(data) };
}

/** Checks the kind and version of a saved result and decodes its data. */
export function resultData<T>(json: unknown, kind: string, version: number): T {
  const j = json as Partial<ResultJSON>;
  if (typeof j !== 'object' || j === null || j.kind !== kind) throw new Error(`loadResult: expected a '${kind}' result, got kind '${String(j?.kind)}'`);
  if (j.version !== version) throw new Error(`loadResult: '${kind}' result of version ${String(j.version)}; this glasslab reads version ${version}`);
  return decodeResultData<T>(j.data);
}

/** A figure or a list of figures (what figure() returns). */
export function isFigureResult(v: unknown): v is PlotlyFigure | PlotlyFigure[] {
  return Array.isArray(v) ? v.length > 0 && v.every(isPlotlyFigure) : isPlotlyFigure(v);
}
