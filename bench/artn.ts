/**
 * ARTn economy (issue [10] item 2): force calls and wall time per accepted
 * event, the outcomes by cause, with and without local force updates
 * (`computeLocal`), on a CuZr inherent structure (Mendelev eam/fs, Cu64Zr36
 * at 0.06 atoms/A^3: a random start minimised to 1e-4 eV/A, not a quenched
 * glass), Wei et al.'s parameters. The two modes run the same events one
 * after the other; the share of computeLocal calls that stayed local is
 * printed. One thread; the load average is printed (the machine is shared).
 *
 *   node --import tsx bench/artn.ts [--n 500] [--atoms 6] [--events 2]
 */
import { loadavg } from 'node:os';
import { createForceProvider } from '../src/core/force-provider.ts';
import type { ForceProvider } from '../src/core/types.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/index.ts';
import { artnCampaign } from '../src/protocols/artn-campaign.ts';
import { randomConfiguration } from '../src/system/random-config.ts';

const arg = (name: string, def: number) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? Number(process.argv[k + 1]) : def; };
const n = arg('n', 500), nAtoms = arg('atoms', 6), events = arg('events', 2);

const pot = getPotential('cuzr');
const start = randomConfiguration({ n, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], seed: 4, typeMasses: pot.typeMasses! });
let t = performance.now();
const is = minimize(start, createForceProvider(pot, { threads: 1 }), { ftol: 1e-4 }).system;
console.log(`CuZr N = ${n}: inherent structure in ${((performance.now() - t) / 1000).toFixed(1)} s; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const atoms = Array.from({ length: nAtoms }, (_, k) => Math.floor((k * n) / nAtoms));

for (const local of [true, false]) {
  const provider = createForceProvider(pot, { threads: 1 });
  let localCalls = 0, localKept = 0;
  const counted: ForceProvider = {
    compute: (s, o) => provider.compute(s, o),
    computeLocal: (s, o) => { const r = provider.computeLocal(s, o); localCalls++; if (!provider.localStats!.full) localKept++; return r; },
  };
  t = performance.now();
  const r = await artnCampaign(is, counted, { atoms, eventsPerAtom: events, seed: 1, localForces: local });
  const secs = (performance.now() - t) / 1000;
  const calls = r.events.reduce((s, e) => s + e.forceCalls, 0), acc = r.outcomes.accepted;
  console.log(`\nlocalForces ${local}: ${secs.toFixed(1)} s, ${calls} force calls (${(1e3 * secs / calls).toFixed(2)} ms each), ` +
    `${acc ? (calls / acc).toFixed(0) : 'n/a'} calls and ${acc ? (secs / acc).toFixed(1) : 'n/a'} s per accepted event` +
    (local ? `; ${localKept} of ${localCalls} computeLocal calls stayed local` : '') + `; load ${loadavg()[0].toFixed(1)}`);
  console.log(r.summary());
}
