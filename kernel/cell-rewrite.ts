/**
 * Source rewrites a cell needs before tslab converts it, for two holes in
 * tslab 1.0.22's handling of variables across cells:
 *
 *  - tslab turns a reference to a name declared in an earlier cell into
 *    `exports.name`, but it finds those references with the type checker's
 *    symbol of each identifier, and the symbol of `frameDt` in `{ frameDt }`
 *    is the object's property, not the variable: the shorthand stays a bare
 *    `frameDt`, which throws `ReferenceError: frameDt is not defined` at run
 *    time. We expand such shorthands to `{ frameDt: frameDt }` (only those
 *    naming an earlier cell's declaration, so that other columns stay put).
 *  - tslab exports every top-level name of a cell with an `export { ... }`
 *    it appends, so a cell's own `export const x = 1` fails with "Cannot
 *    redeclare exported variable 'x'". We blank the `export` keyword (same
 *    length: positions do not move).
 *
 * Both rewrites keep the meaning of the cell. Compiler positions of the
 * rewritten source are mapped back to the cell's own with `originalOffset`.
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const require = createRequire(import.meta.url);
// the TypeScript tslab compiles cells with (already loaded by the kernel)
const ts = require('@tslab/typescript-for-tslab') as typeof TS;

/** Value names declared at the top level of a declarations text (what earlier cells left). */
export function declaredNames(declarations: string): Set<string> {
  const names = new Set<string>();
  if (!declarations.trim()) return names;
  const file = ts.createSourceFile('decls.d.ts', declarations, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const addBinding = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const st of file.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) addBinding(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && st.name && ts.isIdentifier(st.name)) names.add(st.name.text);
    else if (ts.isImportEqualsDeclaration(st)) names.add(st.name.text);
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) names.add(c.name.text);
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      else if (nb) for (const e of nb.elements) names.add(e.name.text);
    }
  }
  return names;
}

/** A rewritten cell; `insertions` are sorted offsets (in the original) with the inserted length. */
export interface RewrittenCell {
  source: string;
  insertions: { at: number; length: number }[];
}

/**
 * Expand `{ name }` to `{ name: name }` where `name` is declared by an
 * earlier cell (`previous`), and blank `export` on the cell's top-level
 * declarations. A cell that needs neither is returned unchanged.
 */
export function rewriteCell(src: string, previous: ReadonlySet<string>): RewrittenCell {
  const mayExport = /\bexport\b/.test(src);
  const mayShorthand = previous.size > 0 && /[{,]/.test(src);
  if (!mayExport && !mayShorthand) return { source: src, insertions: [] };
  const file = ts.createSourceFile('__cell__.ts', src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { at: number; text: string; remove: number }[] = [];
  if (mayExport) {
    for (const st of file.statements) {
      if (!ts.canHaveModifiers(st)) continue;
      const mods = ts.getModifiers(st) ?? [];
      const exp = mods.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exp || mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) continue;
      edits.push({ at: exp.getStart(file), text: ' '.repeat(exp.end - exp.getStart(file)), remove: exp.end - exp.getStart(file) });
    }
  }
  if (mayShorthand) {
    const visit = (node: TS.Node): void => {
      if (ts.isShorthandPropertyAssignment(node) && previous.has(node.name.text)) {
        edits.push({ at: node.name.end, text: `: ${node.name.text}`, remove: 0 });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  if (edits.length === 0) return { source: src, insertions: [] };
  edits.sort((a, b) => a.at - b.at);
  let out = '';
  let pos = 0;
  const insertions: RewrittenCell['insertions'] = [];
  for (const e of edits) {
    out += src.slice(pos, e.at) + e.text;
    pos = e.at + e.remove;
    if (e.text.length !== e.remove) insertions.push({ at: e.at, length: e.text.length - e.remove });
  }
  return { source: out + src.slice(pos), insertions };
}

/** Offset in the original cell of an offset in the rewritten one (inside an insertion: its start). */
export function originalOffset(cell: RewrittenCell, offset: number): number {
  let shift = 0;
  for (const ins of cell.insertions) {
    const start = ins.at + shift; // where the insertion begins in the rewritten text
    if (offset < start) break;
    if (offset < start + ins.length) return ins.at;
    shift += ins.length;
  }
  return offset - shift;
}

/** Line and character (0-based) of an offset in `text`. */
export function lineAndCharacter(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
