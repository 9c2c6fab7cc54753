/**
 * ARTn cost (issue [10] item 2 and "What it must show"): force calls and
 * wall time per accepted event, the acceptance rate and the outcomes by
 * cause, with and without local force updates (`computeLocal`), on 1 and 2
 * worker threads, on a CuZr inherent structure (Mendelev eam/fs, Cu64Zr36
 * at 0.06 atoms/A^3: a random start minimised to 1e-4 eV/A, not a quenched
 * glass), Wei et al.'s parameters. Every mode runs the same campaign (same
 * atoms, attempts and seeds); modes are repeated `--reps` times in turn
 * (the machine is shared: compare within one run, with the load average
 * printed). The share of computeLocal calls that stayed local is counted on
 * one thread.
 *
 * Per mode, the force calls are split by where they go: Lanczos products
 * (2 per product, central differences: they displace every atom), the
 * rest of the search (kick, pushes, perpendicular steps, steps along v)
 * and the relaxation of both sides of the saddle.
 *
 * `--calls-only 1` times one force call at `--n` (a random start relaxed
 * by 300 FIRE steps) and stops: the per-call cost for an extrapolation
 * where a whole campaign does not fit (N = 20,000).
 *
 *   node --import tsx bench/artn.ts [--n 2000] [--atoms 6] [--events 2] [--reps 1] [--modes plain,local,workers2] [--calls-only 1]
 */
import { loadavg } from 'node:os';
import { createForceProvider } from '../src/core/force-provider.ts';
import type { ForceProvider } from '../src/core/types.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/index.ts';
import { artnCampaign } from '../src/protocols/artn-campaign.ts';
import { randomConfiguration } from '../src/system/random-config.ts';

const arg = (name: string, def: string) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : def; };
const n = Number(arg('n', '2000')), nAtoms = Number(arg('atoms', '6')), events = Number(arg('events', '2')), reps = Number(arg('reps', '1'));
const modes = arg('modes', 'plain,local,workers2').split(',');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const pot = getPotential('cuzr');
const start = randomConfiguration({ n, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], seed: 4, typeMasses: pot.typeMasses! });
let t = performance.now();
const base = createForceProvider(pot, { threads: 1 });
const callsOnly = arg('calls-only', '0') === '1';
const is = minimize(start, base, { ftol: 1e-4, maxIter: callsOnly ? 300 : 100_000 }).system;
const tis = (performance.now() - t) / 1000;
t = performance.now();
for (let k = 0; k < 20; k++) base.compute(is);
console.log(`CuZr N = ${n}: inherent structure in ${tis.toFixed(1)} s; one force call ${((performance.now() - t) / 20).toFixed(2)} ms; ` +
  `${nAtoms} atoms x ${events} searches per mode; load ${load()}`);
if (callsOnly) process.exit(0);
const atoms = Array.from({ length: nAtoms }, (_, k) => Math.floor((k * n) / nAtoms));

console.log('\nmode | s | searches | accepted | curvature | not-connected | other | force calls | ms per call | calls per accepted | s per accepted | load');
for (let rep = 0; rep < reps; rep++) {
  for (const mode of modes) {
    const local = mode === 'local';
    const workers = mode.startsWith('workers') ? Number(mode.slice(7)) : 1;
    const provider = createForceProvider(pot, { threads: 1 });
    let localCalls = 0, localKept = 0;
    const counted: ForceProvider = {
      compute: (s, o) => provider.compute(s, o),
      computeLocal: (s, o) => { const r = provider.computeLocal(s, o); localCalls++; if (!provider.localStats!.full) localKept++; return r; },
    };
    t = performance.now();
    const r = await artnCampaign(is, workers > 1 ? provider : counted, { atoms, eventsPerAtom: events, seed: 1, localForces: local, workers });
    const secs = (performance.now() - t) / 1000;
    const calls = r.events.reduce((s, e) => s + e.forceCalls, 0), acc = r.outcomes.accepted;
    const other = r.events.length - acc - r.outcomes.curvature - r.outcomes['not-connected'];
    console.log(`${mode} | ${secs.toFixed(1)} | ${r.events.length} | ${acc} | ${r.outcomes.curvature} | ${r.outcomes['not-connected']} | ${other} | ${calls} | ` +
      `${(1e3 * secs * workers / calls).toFixed(2)} | ${acc ? (calls / acc).toFixed(0) : 'n/a'} | ${acc ? (secs / acc).toFixed(1) : 'n/a'} | ${load()}` +
      (local ? ` | ${localKept} of ${localCalls} computeLocal calls stayed local` : ''));
    const lanczos = 2 * r.events.reduce((s, e) => s + e.lanczosProducts, 0), search = r.events.reduce((s, e) => s + e.saddleForceCalls, 0);
    console.log(`  force calls: Lanczos products ${(100 * lanczos / calls).toFixed(0)}%, the rest of the search ${(100 * (search - lanczos) / calls).toFixed(0)}%, ` +
      `relaxing the sides ${(100 * (calls - search) / calls).toFixed(0)}%; ${(calls / r.events.length).toFixed(0)} calls per search`);
  }
}
