/**
 * The ours-against-the-paper table of a notebook (issue [12]): one row per
 * quantity, our value next to the paper's, and for each headline claim a
 * verdict computed from our numbers by a stated criterion, never typed by
 * hand:
 *
 *   claimsTable([
 *     { quantity: 'tail exponent of p(E > 0)', ours: '-2.41 +- 0.09', paper: '-9/4',
 *       reproduced: Math.abs(fit.exponent + 9 / 4) <= 0.3, criterion: 'within 0.3 of -9/4' },
 *     { quantity: 'F_1(1)', ours: 0.21, paper: '~0.2' },          // no verdict: not a headline claim
 *   ], { ours: `ours (${scale})` })
 *
 * It is a table (`columns`, `rows`: it displays and exports like any
 * `{columns, rows}`) with the claims kept as data (`claims`): the display
 * adds them to the table's MIME bundle (src/display/mime.ts: CLAIMS_MIME),
 * and the gallery index reads the verdicts from there (kernel/gallery.ts).
 */
import type { TableData } from './result.ts';

/** One row of an ours-against-the-paper table. */
export interface Claim {
  /** what is compared, with its unit, e.g. 'tail exponent of p(E > 0)' */
  quantity: string;
  /** our value: a number, or text with its error bar */
  ours: unknown;
  /** the paper's value or statement */
  paper: unknown;
  /**
   * the verdict at the scale of the run, for a headline claim: true
   * reproduced, false not reproduced (the criterion says what fell short);
   * null or absent: no verdict (a quantity shown for context)
   */
  reproduced?: boolean | null;
  /** the test behind the verdict, in words, e.g. 'within 0.3 of -9/4, from >= 100 events' */
  criterion?: string;
  /** anything else the reader needs (sample size, caveat) */
  note?: string;
  /**
   * what matches this row to the same claim of a run at another scale
   * (`atScale` of claimsTable), when the quantity's text names
   * scale-dependent parameters (e.g. 'rearranging above the peak, T = 0.55'
   * at medium, T = 0.6 at quick); default: the quantity
   */
  key?: string;
}

/** The claims of one notebook from a run at another scale (the gallery's medium run: io/gallery-claims.ts readScaleClaims). */
export interface ClaimsAtScale {
  /** the scale of that run, e.g. 'medium' */
  scale: string;
  claims: readonly Claim[];
}

/** An ours-against-the-paper table: its claims, and the columns and rows it displays as. */
export interface ClaimsTable extends TableData {
  kind: 'claims';
  claims: Claim[];
}

/** The verdict in a table cell: 'yes', 'no', or '-' for no verdict. */
export function verdictText(r: boolean | null | undefined): string {
  return r === true ? 'yes' : r === false ? 'no' : '-';
}

/**
 * The table of `claims`, with the columns quantity, ours, paper,
 * reproduced, criterion and (when a claim has one) note. `ours` and `paper`
 * rename the value columns (e.g. 'here (quick, N = 1000)'); a column name
 * must keep the word "paper", which is how the gallery finds the table.
 * `atScale` (issue [12]) adds the column "at <scale> scale": what a run at
 * that scale gave for each claim (`atScaleText`), so that a reader of the
 * quick run sees the medium one next to it.
 */
export function claimsTable(claims: readonly Claim[], opts: { ours?: string; paper?: string; atScale?: ClaimsAtScale | null } = {}): ClaimsTable {
  const paper = opts.paper ?? 'paper';
  if (!/paper/i.test(paper)) throw new Error(`claimsTable: the paper column '${paper}' must contain the word "paper" (the gallery finds the summary table by it)`);
  for (const c of claims) {
    if (c.reproduced !== undefined && c.reproduced !== null && typeof c.reproduced !== 'boolean') throw new Error(`claimsTable: '${c.quantity}': reproduced must be true, false or null, not ${JSON.stringify(c.reproduced)}`);
    if (typeof c.reproduced === 'boolean' && !c.criterion) throw new Error(`claimsTable: '${c.quantity}' has a verdict without its criterion; say what was tested`);
  }
  const withNote = claims.some((c) => c.note);
  const other = opts.atScale ?? null;
  const columns = ['quantity', opts.ours ?? 'ours', paper, 'reproduced', 'criterion', ...(other ? [`at ${other.scale} scale`] : []), ...(withNote ? ['note'] : [])];
  const rows = claims.map((c) => [c.quantity, c.ours, c.paper, verdictText(c.reproduced), c.criterion ?? '',
    ...(other ? [atScaleText(c, other)] : []), ...(withNote ? [c.note ?? ''] : [])]);
  return { kind: 'claims', claims: claims.map((c) => ({ ...c })), columns, rows };
}

function claimKey(c: Claim): string { return c.key ?? c.quantity; }

/**
 * The cell of the "at <scale> scale" column for claim c: the other run's
 * value of the claim with the same key, its verdict in brackets when it has
 * one, and its quantity when that reads differently (other parameters);
 * '-' when that run has no such claim.
 */
export function atScaleText(c: Claim, other: ClaimsAtScale): string {
  const m = other.claims.find((o) => claimKey(o) === claimKey(c));
  if (!m) return '-';
  const v = typeof m.ours === 'number' ? String(Number(m.ours.toPrecision(4))) : String(m.ours);
  const verdict = typeof m.reproduced === 'boolean' ? ` (${verdictText(m.reproduced)})` : '';
  return `${v}${verdict}${m.quantity !== c.quantity ? ` [${m.quantity}]` : ''}`;
}

/** True for a value made by claimsTable (also after a JSON round trip). */
export function isClaimsTable(v: unknown): v is ClaimsTable {
  const t = v as Partial<ClaimsTable> | null;
  return typeof t === 'object' && t !== null && t.kind === 'claims' && Array.isArray(t.claims) && Array.isArray(t.columns) && Array.isArray(t.rows);
}
