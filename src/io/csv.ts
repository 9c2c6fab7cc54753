/**
 * Per-atom tables in CSV, as the commands write them (`id,type,vmsd,...`):
 * a header line of column names, then one line of comma-separated cells per
 * row. Blank lines and lines starting with '#' are skipped; white space
 * around a cell and a trailing CR are ignored; no quoting (a glasslab CSV has
 * none). Plain or gzipped (by the magic bytes).
 *
 * Columns are read as numbers on request, so a table may hold text columns
 * that nobody asks for. Every error is one line naming the file, the column
 * and, for a bad cell, its line.
 *
 *   const t = await readCsvTable('desc.csv');
 *   t.column('vmsd');                        // Float64Array in row order
 *   valuesById(t, 'dq', sys.ids);            // the values of the rows whose id matches, in that order
 */
import { readTextWhole } from './files.ts';

export interface CsvTable {
  /** the file name used in messages */
  file: string;
  names: readonly string[];
  /** number of data rows */
  rows: number;
  has(name: string): boolean;
  /** the column as numbers; throws naming the file, column and line of a cell that is not a finite number */
  column(name: string): Float64Array;
  /** every row as an object of numbers keyed by column name (small tables: event lists, stress-strain curves) */
  records(): Record<string, number>[];
}

/** Parse CSV text (see module doc); `file` names the source in messages. */
export function parseCsvTable(text: string, file: string): CsvTable {
  const lines = text.split('\n');
  let header: string[] | undefined;
  const cells: string[][] = [];
  const lineNo: number[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const row = line.split(',').map((c) => c.trim());
    if (!header) {
      header = row;
      const seen = new Set<string>();
      for (const name of row) {
        if (name === '') throw new Error(`${file}: line ${k + 1}: empty column name in the header`);
        if (seen.has(name)) throw new Error(`${file}: line ${k + 1}: column '${name}' appears twice in the header`);
        seen.add(name);
      }
      continue;
    }
    if (row.length !== header.length) throw new Error(`${file}: line ${k + 1} has ${row.length} cells for ${header.length} columns`);
    cells.push(row);
    lineNo.push(k + 1);
  }
  if (!header) throw new Error(`${file}: no header line (expected column names, e.g. id,type,...)`);
  const names = header;
  const index = new Map(names.map((n, j) => [n, j]));
  const table: CsvTable = {
    file, names, rows: cells.length,
    has: (name) => index.has(name),
    records() {
      const cols = names.map((n) => table.column(n));
      return cells.map((_, r) => Object.fromEntries(names.map((n, j) => [n, cols[j][r]])));
    },
    column(name) {
      const j = index.get(name);
      if (j === undefined) throw new Error(`${file}: no column '${name}' (columns: ${names.join(', ')})`);
      return Float64Array.from(cells, (row, r) => {
        const v = row[j] === '' ? NaN : Number(row[j]);
        if (!Number.isFinite(v)) throw new Error(`${file}: line ${lineNo[r]}, column '${name}': '${row[j]}' is not a finite number`);
        return v;
      });
    },
  };
  return table;
}

/** Read a CSV table from a file (plain or gzipped); `label` names it in messages (default: the path). */
export async function readCsvTable(path: string, label = path): Promise<CsvTable> {
  return parseCsvTable(await readTextWhole(path), label);
}

/**
 * The values of column `name` for the atoms with the given `ids`, in that
 * order, matched by the table's `id` column (integers, each once). Throws one
 * line naming the file when it has no id column, repeats an id, or lacks some
 * of the ids (the first few are named). Rows whose id is not asked for are
 * ignored.
 */
export function valuesById(t: CsvTable, name: string, ids: ArrayLike<number>, idsFrom = 'the configuration'): Float64Array {
  if (!t.has('id')) throw new Error(`${t.file}: no column 'id' to match the atoms of ${idsFrom} (columns: ${t.names.join(', ')})`);
  const tid = t.column('id'), values = t.column(name);
  const row = new Map<number, number>();
  for (let r = 0; r < tid.length; r++) {
    if (!Number.isInteger(tid[r])) throw new Error(`${t.file}: id ${tid[r]} in row ${r + 1} is not an integer`);
    if (row.has(tid[r])) throw new Error(`${t.file}: id ${tid[r]} appears twice`);
    row.set(tid[r], r);
  }
  const missing: number[] = [];
  const out = Float64Array.from({ length: ids.length }, (_, i) => {
    const r = row.get(ids[i]);
    if (r === undefined) { missing.push(ids[i]); return NaN; }
    return values[r];
  });
  if (missing.length > 0) {
    throw new Error(`${t.file}: no row for ${missing.length} of the ${ids.length} ids of ${idsFrom} (ids ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`);
  }
  return out;
}
