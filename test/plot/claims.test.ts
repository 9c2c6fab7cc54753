/**
 * The ours-against-the-paper table (src/plot/claims.ts) and its display:
 * verdicts come with their criterion, the claims travel as data beside the
 * HTML (CLAIMS_MIME) so that the gallery reads them instead of scraping.
 */
import { describe, expect, it } from 'vitest';
import { CLAIMS_MIME, newDisplayState, toMimeBundle } from '../../src/display/mime.ts';
import { claimsTable, isClaimsTable, verdictText } from '../../src/plot/claims.ts';

const exponent = -2.41;
const table = () => claimsTable([
  { quantity: 'tail exponent of p(E > 0)', ours: `${exponent} +- 0.09`, paper: '-9/4', reproduced: Math.abs(exponent + 9 / 4) <= 0.3, criterion: 'within 0.3 of -9/4' },
  { quantity: 'max delta F_3', ours: 1.02, paper: 3.3, reproduced: Math.abs(1.02 - 3.3) <= 0.5, criterion: 'within 0.5 of 3.3', note: 'noisy' },
  { quantity: 'F_1(1)', ours: NaN, paper: '~0.2' },
], { ours: 'here (quick)' });

describe('claimsTable: ours against the paper, with verdicts', () => {
  it('is a table with the verdict and criterion columns, and keeps the claims', () => {
    const t = table();
    expect(t.columns).toEqual(['quantity', 'here (quick)', 'paper', 'reproduced', 'criterion', 'note']);
    expect(t.rows.map((r) => r[3])).toEqual(['yes', 'no', '-']);
    expect(t.rows[2]).toEqual(['F_1(1)', NaN, '~0.2', '-', '', '']);
    expect(t.claims.map((c) => c.reproduced)).toEqual([true, false, undefined]);
    expect(isClaimsTable(JSON.parse(JSON.stringify(t)))).toBe(true);
    expect(isClaimsTable({ columns: ['a'], rows: [] })).toBe(false);
    expect(claimsTable([{ quantity: 'x', ours: 1, paper: 2 }]).columns).toEqual(['quantity', 'ours', 'paper', 'reproduced', 'criterion']);
    expect([true, false, null, undefined].map(verdictText)).toEqual(['yes', 'no', '-', '-']);
  });

  it('refuses a verdict without its criterion, a verdict that is not a boolean, and a paper column without the word', () => {
    expect(() => claimsTable([{ quantity: 'n_hop order', ours: 'yes', paper: 'yes', reproduced: true }])).toThrow("claimsTable: 'n_hop order' has a verdict without its criterion; say what was tested");
    expect(() => claimsTable([{ quantity: 'q', ours: 1, paper: 1, reproduced: 'yes' as unknown as boolean, criterion: 'c' }])).toThrow(/reproduced must be true, false or null, not "yes"/);
    expect(() => claimsTable([], { paper: 'Zylberg et al.' })).toThrow(/must contain the word "paper"/);
  });

  it('displays as a table with every row, and its claims as JSON beside it', () => {
    const b = toMimeBundle(table(), newDisplayState());
    expect(String(b['text/html'])).toContain('glasslab-table');
    expect(String(b['text/html'])).toContain('<th>reproduced</th>');
    const claims = (b[CLAIMS_MIME] as { claims: { quantity: string; ours: unknown; reproduced?: boolean }[] }).claims;
    expect(claims.map((c) => c.reproduced)).toEqual([true, false, undefined]);
    expect(claims[2].ours).toBe('NaN');                 // JSON has no NaN: kept as text, not turned into null
    const many = claimsTable(Array.from({ length: 40 }, (_, i) => ({ quantity: `q${i}`, ours: i, paper: i })));
    expect(String(toMimeBundle(many, newDisplayState())['text/html'])).toContain('<td>q39</td>');
  });

  it('adds what a run at another scale gave: matched by key or quantity, its verdict, its own quantity when it reads differently', () => {
    const medium = { scale: 'medium', claims: [
      { quantity: 'tail exponent of p(E > 0)', ours: '-2.80 +- 0.08', paper: '-9/4', reproduced: false, criterion: 'within 0.3 of -9/4' },
      { key: 'rearranging-lowest-T', quantity: 'rearranging above the peak, T = 0.55', ours: '55.1%', paper: '65-75%', reproduced: false, criterion: 'within 65-75%' },
      { quantity: 'max delta F_3', ours: 0.923456, paper: 3.3 },
    ] };
    const t = claimsTable([
      { quantity: 'tail exponent of p(E > 0)', ours: '-2.49 +- 0.17', paper: '-9/4', reproduced: true, criterion: 'within 0.3 of -9/4' },
      { key: 'rearranging-lowest-T', quantity: 'rearranging above the peak, T = 0.6', ours: '52%', paper: '65-75%' },
      { quantity: 'max delta F_3', ours: 1.02, paper: 3.3, note: 'noisy' },
      { quantity: 'F_1(1)', ours: 0.2, paper: '~0.2' },
    ], { ours: 'here (quick)', atScale: medium });
    expect(t.columns).toEqual(['quantity', 'here (quick)', 'paper', 'reproduced', 'criterion', 'at medium scale', 'note']);
    expect(t.rows.map((r) => r[5])).toEqual(['-2.80 +- 0.08 (no)', '55.1% (no) [rearranging above the peak, T = 0.55]', '0.9235', '-']);
    expect(t.rows[2][6]).toBe('noisy');
    // without a run at another scale: no column
    expect(claimsTable(medium.claims, { atScale: null }).columns).not.toContain('at medium scale');
  });
});
