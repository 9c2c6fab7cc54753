/**
 * ARTn economy (issue [10] item 2): why searches fail and what the remedies
 * buy. The same (atom, attempt) searches (own seeds, eventSeed) run with each
 * variant of the parameters, interleaved search by search in one process, on
 * a CuZr inherent structure (Mendelev eam/fs, Cu64Zr36 at 0.06 atoms/A^3, a
 * random start minimised to 1e-4 eV/A), Wei et al.'s parameters otherwise.
 * Per variant: outcomes, force calls per accepted event, and the searches
 * whose outcome or barrier differs from the baseline's (a remedy that only
 * rescues failed searches leaves the baseline's accepted events unchanged).
 * For the searches that lose their curvature, the eigenvalue, force and
 * parallel force at the last iterations are printed (the diagnosis).
 *
 *   node --import tsx bench/artn-economy.ts [--n 500] [--atoms 10] [--events 3] [--verbose 1] [--variants retries,lanczosTol,both,sides,central,sidesForward]
 *
 * The variants besides the baseline (always run first): `retries`
 * (curvatureRetries 2), `lanczosTol` (1e-4), `both` (the two), `sides`
 * (the two side relaxations to sideFtol 1e-2 eV/A instead of 1e-4),
 * `central` (central Lanczos differences instead of the default forward
 * ones, the default before session 8), `sidesForward` (sides 1e-2 with
 * forward differences). The saddle, so the barrier, does not depend on
 * sideFtol: only outcomes and final energies can change; the table
 * gives the largest change of a final energy and of a barrier among events
 * both accept.
 *
 * Measured (bench/RESULTS.md, "ARTn economy and parallel campaigns"): the
 * curvature is lost far from the saddle (max |F_i| 0.1-1.3 eV/A, lambda
 * just above 0 after -0.2 to -0.6): the step along v crosses an inflection
 * line. Returning with halved steps rescues half of those searches, but
 * most end not connected to the start; a tighter Lanczos tolerance
 * (1e-4) gives the same outcome counts with 1% more calls, and moves the
 * accepted barriers by 0-20 meV (the looseness of the 0.05 eV/A saddle
 * test, test/protocols/artn-threshold.test.ts). Neither raises accepted
 * events per force call, so both stay off by default.
 */
import { loadavg } from 'node:os';
import { createForceProvider } from '../src/core/force-provider.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/index.ts';
import { artnEvent, eventSeed, type ArtnEvent, type ArtnParams, type ArtnStep } from '../src/protocols/artn.ts';
import { randomConfiguration } from '../src/system/random-config.ts';

const argText = (name: string) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : undefined; };
const arg = (name: string, def: number) => Number(argText(name) ?? def);
const n = arg('n', 500), nAtoms = arg('atoms', 10), perAtom = arg('events', 3), verbose = arg('verbose', 0);

const known: Record<string, [string, Partial<ArtnParams>]> = {
  retries: ['curvatureRetries 2', { curvatureRetries: 2 }],
  lanczosTol: ['lanczosTol 1e-4', { lanczosTol: 1e-4 }],
  both: ['curvatureRetries 2 + lanczosTol 1e-4', { curvatureRetries: 2, lanczosTol: 1e-4 }],
  sides: ['sides to 1e-2 eV/A', { sideFtol: 1e-2 }],
  central: ['central Lanczos differences', { lanczosDifference: 'central' }],
  sidesForward: ['sides 1e-2 + forward differences', { sideFtol: 1e-2, lanczosDifference: 'forward' }],
};
const chosen = (argText('variants') ?? 'retries,lanczosTol,both').split(',');
for (const c of chosen) if (!(c in known)) throw new Error(`bench/artn-economy: unknown variant ${c} (--variants takes ${Object.keys(known).join(',')})`);
const variants: [string, Partial<ArtnParams>][] = [['baseline (Wei)', {}], ...chosen.map((c) => known[c])];

const pot = getPotential('cuzr');
const provider = createForceProvider(pot, { threads: 1 });
const start = randomConfiguration({ n, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], seed: 4, typeMasses: pot.typeMasses! });
const m = minimize(start, provider, { ftol: 1e-4 });
console.log(`CuZr N = ${n}: ${nAtoms} atoms x ${perAtom} searches, variants interleaved; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const atoms = Array.from({ length: nAtoms }, (_, k) => Math.floor((k * n) / nAtoms));
const results = variants.map(() => [] as ArtnEvent[]);
const seconds = variants.map(() => 0);
const lost: string[] = [];
for (const atom of atoms) {
  for (let attempt = 0; attempt < perAtom; attempt++) {
    for (const [v, [, params]] of variants.entries()) {
      const steps: ArtnStep[] = [];
      const t = performance.now();
      const ev = await artnEvent(m.system, provider, atom, { ...params, seed: eventSeed(1, atom, attempt), initialEnergy: m.energy, onStep: (s) => steps.push(s) });
      seconds[v] += (performance.now() - t) / 1000;
      results[v].push(ev);
      if (v === 0 && ev.outcome === 'curvature') {
        const sad = steps.filter((s) => s.phase === 'saddle').slice(-4);
        lost.push(`${atom}:${attempt} after ${ev.saddleSteps} iterations: lambda ${sad.map((s) => s.eigenvalue.toFixed(2)).join(' ')}, max|F_i| ${sad.map((s) => s.force.toFixed(2)).join(' ')}, F.v ${sad.map((s) => s.parallelForce.toFixed(2)).join(' ')}, E-E0 ${sad.map((s) => s.energy.toFixed(2)).join(' ')}`);
      }
      if (verbose) console.log(`${atom}:${attempt} ${variants[v][0]}: ${ev.outcome} ${ev.barrier.toFixed(4)} ${ev.forceCalls} calls`);
    }
  }
}
console.log(`\nsearches that lost their curvature (baseline), last 4 iterations:\n${lost.join('\n')}`);
console.log('\nvariant | accepted | curvature | not-connected | other | force calls | calls per accepted | s per accepted | same as baseline where baseline accepted | changed elsewhere | largest final-energy change [eV] | largest barrier change [eV]');
for (const [v, [name]] of variants.entries()) {
  const evs = results[v], acc = evs.filter((e) => e.outcome === 'accepted').length;
  const cur = evs.filter((e) => e.outcome === 'curvature').length, nc = evs.filter((e) => e.outcome === 'not-connected').length;
  const calls = evs.reduce((s, e) => s + e.forceCalls, 0);
  let same = 0, base = 0, changed = 0, finalShift = 0, barrierShift = 0;
  for (const [k, e] of evs.entries()) {
    const b = results[0][k];
    if (b.outcome === 'accepted') { base++; if (e.outcome === 'accepted' && e.barrier === b.barrier) same++; }
    else if (e.outcome !== b.outcome) changed++;
    if (b.outcome === 'accepted' && e.outcome === 'accepted') {
      finalShift = Math.max(finalShift, Math.abs(e.finalEnergy - b.finalEnergy));
      barrierShift = Math.max(barrierShift, Math.abs(e.barrier - b.barrier));
    }
  }
  console.log(`${name} | ${acc}/${evs.length} | ${cur} | ${nc} | ${evs.length - acc - cur - nc} | ${calls} | ${acc ? (calls / acc).toFixed(0) : 'n/a'} | ${acc ? (seconds[v] / acc).toFixed(1) : 'n/a'} | ${same}/${base} | ${changed} | ${finalShift.toExponential(1)} | ${barrierShift.toExponential(1)}`);
}
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
