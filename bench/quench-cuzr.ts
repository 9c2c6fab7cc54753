/**
 * The Cu50Zr50 melt-quench of `glasslab quench` run by LAMMPS (Debian `lmp`,
 * pair eam/fs CuZr_mm.eam.fs, the same potential file) from the same random
 * start, as the peer for the density and the g(r) troughs: NPT iso at 0 bar,
 * Tdamp 100 dt, Pdamp 1000 dt, dt 2 fs, `--melt-time` ps at 2000 K, a linear
 * ramp 2000 K -> 1 K at `--rate` K/s (`fix npt temp 2000 1 ...`), then
 * `minimize 0 1e-6` at fixed box (force-norm criterion, at least as strict
 * as glasslab's max-force one). Prints the LAMMPS density at 300 K (thermo
 * rows whose ramp target lies within 25 K of 300 K, as QuenchResult.densityAt),
 * the density of its inherent structure and the troughs of its total g(r)
 * (rdfTroughs of totalRdf, bins of 0.02 A, as quenchGlass); with `--glass
 * FILE` the same numbers of a glasslab glass for comparison.
 *
 *   npx tsx bench/quench-cuzr.ts --n 2000 --seed 1 --rate 1e14 --melt-time 10 [--glass cuzr2000.data] [--np 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rdfTroughs, totalRdf } from '../src/analysis/structure/first-shell.ts';
import { partialRdf } from '../src/analysis/structure/structure.ts';
import { readSystem, writeSystem } from '../src/io/index.ts';
import { getPotential, modelDefaults } from '../src/potential/registry.ts';
import { GRAMS_PER_CM3 } from '../src/protocols/quench.ts';
import { randomConfiguration } from '../src/system/random-config.ts';
import type { System } from '../src/system/system.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' }, rate: { type: 'string', default: '1e14' },
    'melt-time': { type: 'string', default: '10' }, glass: { type: 'string' }, np: { type: 'string', default: '1' },
  },
});
const n = Number(values.n), seed = Number(values.seed), rateKps = Number(values.rate) * 1e-12, melt = Number(values['melt-time']);
const dt = 0.002, tHigh = 2000, tLow = 1;
const meltSteps = Math.max(1, Math.round(melt / dt)), rampSteps = Math.max(1, Math.round((tHigh - tLow) / rateKps / dt));

function describe(sys: System): string {
  let mass = 0;
  for (const m of sys.masses) mass += m;
  const rdf = partialRdf(sys, { dr: 0.02 });
  const troughs = rdfTroughs(rdf.r, totalRdf(rdf)).map((r) => r.toFixed(2)).join(', ');
  return `IS density ${(GRAMS_PER_CM3 * mass / sys.box.volume).toFixed(4)} g/cm^3, total g(r) troughs ${troughs} A`;
}

const pot = getPotential('cuzr');
const d = modelDefaults.cuzr;
const dir = mkdtempSync(join(tmpdir(), 'quench-cuzr-'));
const start = randomConfiguration({ n, density: d.numberDensity, dim: 3, composition: d.composition, typeMasses: pot.typeMasses, seed });
await writeSystem(join(dir, 'start.data'), start);
writeFileSync(join(dir, 'in.quench'), `units metal
atom_style atomic
boundary p p p
read_data start.data
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
timestep ${dt}
velocity all create ${tHigh} ${seed} mom yes rot no dist gaussian
thermo_style custom step temp pe vol density press
thermo 25
fix 1 all npt temp ${tHigh} ${tHigh} ${100 * dt} iso 0 0 ${1000 * dt}
run ${meltSteps}
unfix 1
fix 1 all npt temp ${tHigh} ${tLow} ${100 * dt} iso 0 0 ${1000 * dt}
run ${rampSteps}
unfix 1
min_style cg
minimize 0 1e-6 100000 1000000
write_data glass.data
`);
const np = Number(values.np);
const t0 = performance.now();
const cmd = np > 1 ? ['mpirun', ['--allow-run-as-root', '-np', String(np), 'lmp', '-in', 'in.quench', '-log', 'log.lammps']] as const
  : ['lmp', ['-in', 'in.quench', '-log', 'log.lammps']] as const;
const p = spawnSync(cmd[0], [...cmd[1]], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
const wall = (performance.now() - t0) / 1000;
if (p.status !== 0) throw new Error(`lmp failed (${p.status}): ${p.stderr || p.stdout.slice(-2000)}`);

// thermo rows of the ramp run: target T = tHigh + f (tLow - tHigh), f = (step - meltSteps) / rampSteps
const log = readFileSync(join(dir, 'log.lammps'), 'utf8');
const rows = [...log.matchAll(/^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => m.slice(1).map(Number));
let sum = 0, cnt = 0;
for (const [step, , , , rho] of rows) {
  if (step <= meltSteps || step > meltSteps + rampSteps) continue;
  const target = tHigh + ((step - meltSteps) / rampSteps) * (tLow - tHigh);
  if (Math.abs(target - 300) <= 25) { sum += rho; cnt++; }
}
const loop = [...log.matchAll(/Loop time of (\S+)/g)].map((m) => Number(m[1]));
console.log(`LAMMPS (${np} process${np > 1 ? 'es' : ''}): N ${n}, seed ${seed}, ${meltSteps} + ${rampSteps} steps, rate ${values.rate} K/s; ` +
  `loop times ${loop.map((x) => x.toFixed(1)).join(' + ')} s, whole process ${wall.toFixed(1)} s`);
console.log(`LAMMPS density at 300 K: ${(sum / cnt).toFixed(4)} g/cm^3 (${cnt} rows)`);
console.log(`LAMMPS ${describe(await readSystem(join(dir, 'glass.data'), { typeMasses: [0, ...pot.typeMasses.slice(1)] }))}`);
if (values.glass !== undefined) console.log(`glasslab ${values.glass}: ${describe(await readSystem(values.glass))}`);
