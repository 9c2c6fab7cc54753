/**
 * AQS simple shear of an ipl2d glass (src/minimize/aqs.ts): time per strain
 * step and per plastic event at the quick scale of Zylberg et al. (N = 1600,
 * dgamma = 1e-4, max |F| < 1e-10 at every step).
 *
 *   npx tsx bench/aqs-shear.ts [N=1600] [events=1] [solver=chord] [maxStrain=0.05] [seed=1]
 *
 * solver: 'chord' (chord-Newton with the sparse Hessian, fallback FIRE+CG)
 * or 'minimize' (FIRE+CG at every step). The glass is a random configuration
 * quenched by minimisation (an instantaneous quench), cached in
 * data/cache/; prints per-step and per-event timings.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readSystem, writeLammpsData } from '../src/io/index.ts';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { aqsShear } from '../src/protocols/aqs.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/registry.ts';

const n = Number(process.argv[2] ?? 1600);
const maxEvents = Number(process.argv[3] ?? 1);
const solver = (process.argv[4] ?? 'chord') as 'chord' | 'minimize';
const maxStrain = Number(process.argv[5] ?? 0.05);
const seed = Number(process.argv[6] ?? 1);
const pot = getPotential('ipl2d');
const provider = createForceProvider(pot);
const cache = `data/cache/aqs-ipl2d-n${n}-seed${seed}.data`;
if (!existsSync(cache)) {
  const start = randomConfiguration({ n, density: 0.86, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed, jitter: 0.2 });
  const t0 = performance.now();
  const q = minimize(start, provider, { ftol: 1e-10 });
  console.log(`quench N=${n}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${q.iterations} iterations, converged ${q.converged}`);
  mkdirSync('data/cache', { recursive: true });
  await writeLammpsData(cache, q.system);
}
const glass = { system: await readSystem(cache, { dim: 2 }) };
let t = performance.now();
let last = t;
const r = aqsShear(glass.system, provider, {
  strainStep: 1e-4, maxEvents, maxStrain, solver,
  onStep: (s, ev) => {
    const now = performance.now();
    if (s.step % 10 === 0 || s.step < 5) console.log(`step ${s.step} strain ${s.strain.toFixed(4)} stress ${s.stress.toFixed(5)} iters ${s.iterations} ${(now - last).toFixed(0)} ms events ${ev}`);
    last = now;
  },
});
const s = (performance.now() - t) / 1000;
const steps = r.steps.length - 1;
console.log(`N=${n} solver=${solver}: ${steps} steps, ${r.events.length} events, ${(s).toFixed(1)} s total, ${(1000 * s / steps).toFixed(0)} ms/step, ${(r.iterations / steps).toFixed(0)} minimiser iterations/step` +
  (r.events.length ? `, ${(s / r.events.length).toFixed(1)} s/event` : ''));
for (const e of r.events) console.log(`event ${e.ordinal}: strain ${e.strainAfter.toFixed(4)} stress ${e.stressBefore.toFixed(5)} -> ${e.stressAfter.toFixed(5)} atom ${e.atomId} |u| ${e.maxNonAffine.toFixed(3)} D2min max at atom ${r.start.ids[e.d2minAtom]}`);
