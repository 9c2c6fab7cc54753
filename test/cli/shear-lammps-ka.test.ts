/**
 * `shear` on a small 3D KA glass (model ka, N = 250 at rho = 1.2: a random
 * configuration quenched instantly, |F| < 1e-10, seed 2), strain steps of
 * 1e-3, ftol 1e-10:
 * - `--engine lammps` against the embedded AQS: the same stress-strain
 *   curve up to the first plastic event and the event at the same strain
 *   (0.024) on the same particle. Measured: the stresses before the event
 *   differ by up to 3.5e-3 (on ~0.5: ka's force jumps at the cutoff, so the
 *   two CG minimisers stop at slightly other points; with ka-sf they agree
 *   to 1e-11, test/engine/lammps-shear.test.ts), the minimum after the drop
 *   is the same (stress -0.0650 in both, to 3e-12). We require 5e-3.
 * - an interrupt stops LAMMPS (no process left) and keeps the steps done;
 * - a job folder (`--write-only --submit slurm`, the script
 *   run by bash with srun passed through, then `glasslab collect`): the
 *   events and stress-strain CSVs of `shear --engine lammps` run here (the
 *   AQS in batches, each drop sheared back by one more run), byte
 *   for byte, up to 2 events in 30 steps (the same minima; the drop sheared
 *   back inside the deck, back-24.dump, is not reversible either way, and
 *   the deck goes on from the minimum after it, restored exactly).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { writeLammpsData } from '../../src/io/index.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { parseArgs, type RunContext } from '../../src/commands/registry.ts';
import { lammpsOrSkip, processesIn } from '../lammps/lammps-runner.ts';
import { runJobScript, slurmSandbox } from './slurm-job.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('shear --engine lammps on a KA glass');
let dir: string, bin: string;
beforeAll(async () => {
  ({ dir, bin } = await slurmSandbox('glasslab-shear-ka-'));
  const pot = getPotential('ka');
  const start = randomConfiguration({ n: 250, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: pot.typeMasses, seed: 2, jitter: 0.2 });
  const r = minimize(start, createForceProvider(pot), { ftol: 1e-10 });
  expect(r.converged).toBe(true);
  await writeLammpsData(join(dir, 'glass.data'), r.system);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const rows = (f: string) => text(f).trim().split('\n').map((l) => l.split(','));

describe.skipIf(!haveLmp)('shear on a KA glass', () => {
  const line = ['glass.data', '--model', 'ka', '--strain-step', '1e-3', '--max-events', '1', '--max-strain', '0.03', '--ftol', '1e-10'];

  it('--engine lammps gives the stress-strain curve of the embedded AQS up to the first event, and the event at the same strain', async () => {
    const ours = await runCli(dir, 'shear', ...line, '--out', 'ours.csv', '--stress-strain', 'ours-ss.csv');
    const lmp = await runCli(dir, 'shear', ...line, '--out', 'lmp.csv', '--stress-strain', 'lmp-ss.csv', '--engine', 'lammps');
    expect(ours.code, ours.err).toBe(0);
    expect(lmp.code, lmp.err).toBe(0);
    const [a, b] = [rows('ours.csv'), rows('lmp.csv')];
    expect(b[0]).toEqual(a[0]);
    expect([a.length, b.length]).toEqual([2, 2]);
    const col = (name: string) => a[0].indexOf(name);
    expect(Number(a[1][col('strain')])).toBeCloseTo(0.024, 12);
    expect(Number(b[1][col('strain')])).toBeCloseTo(Number(a[1][col('strain')]), 12);
    expect(b[1][col('atom_id')]).toBe(a[1][col('atom_id')]);
    for (const c of ['stress_before', 'stress_after']) expect(Math.abs(Number(b[1][col(c)]) - Number(a[1][col(c)])), c).toBeLessThan(5e-3);
    const [sa, sb] = [rows('ours-ss.csv'), rows('lmp-ss.csv')];
    expect(sb.map((r) => r[0])).toEqual(sa.map((r) => r[0]));
    expect(sa).toHaveLength(26); // header and steps 0..24
    for (let k = 1; k < sa.length; k++) {
      expect(Number(sb[k][1])).toBeCloseTo(Number(sa[k][1]), 12);
      expect(Math.abs(Number(sb[k][2]) - Number(sa[k][2])), `stress at step ${sa[k][0]}`).toBeLessThan(5e-3);
      expect(sb[k][4]).toBe(sa[k][4]); // the event column
    }
  }, 240_000);

  it('an interrupted shear --engine lammps leaves no process behind and keeps the steps up to the stop', async () => {
    const cmd = createRegistry().get('shear');
    const parsed = parseArgs(cmd, ['glass.data', '--model', 'ka', '--strain-step', '1e-4', '--max-strain', '0.5', '--max-events', '1000', '--out', 'stopped.csv', '--engine', 'lammps']);
    if (parsed.help) throw new Error('help');
    const ac = new AbortController();
    const ctx: RunContext = {
      // abort once LAMMPS is shearing: at the second strain step
      progress: () => ({ update(done: number) { if (done >= 2) ac.abort(); }, finish() {} }),
      print() {}, note() {}, signal: ac.signal, cwd: dir,
    };
    const err = await cmd.run(parsed.args, ctx).then(() => new Error('finished'), (e: unknown) => e as Error);
    expect(err.message).toMatch(/^stopped at strain \S+ \(step [1-9]\d*\) with 0 of 1000 events/);
    expect(processesIn(dir)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('.glasslab-lammps-'))).toEqual([]);
    expect(text('stopped.csv').split('\n')[0]).toBe('event,strain,stress_before,stress_after,energy_drop,x,y,z,atom_id');
  }, 60_000);

  it('a job folder (--write-only --submit slurm) collected gives the CSVs of --engine lammps run here', async () => {
    // up to 2 events: the run goes on past the drop at step 24 to strain 0.03, from the minimum the deck restores after shearing it back
    const two = [...line.slice(0, line.indexOf('--max-events')), '--max-events', '2', ...line.slice(line.indexOf('--max-events') + 2)];
    const here = await runCli(dir, 'shear', ...two, '--out', 'here.csv', '--stress-strain', 'here-ss.csv', '--engine', 'lammps');
    expect(here.code, here.err).toBe(0);
    const w = await runCli(dir, 'shear', ...two, '--out', 'ev.csv', '--stress-strain', 'ss.csv', '--engine', 'lammps', '--write-only', 'aqs', '--submit', 'slurm');
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain('wrote aqs/ (250 atoms, model ka, 30 strain steps of 0.001) and aqs/job.slurm');
    expect(text('aqs/job.slurm').trimEnd().split('\n').at(-1)).toBe('srun lmp -in in.shear.lmp -log log.lammps');
    expect(runJobScript(bin, dir, join(dir, 'aqs')).status).toBe(0);
    expect(existsSync(join(dir, 'aqs', 'back-24.dump'))).toBe(true);
    const c = await runCli(dir, 'collect', 'aqs');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/^aqs: finished: 30 strain steps to strain 0\.03, 1 event\(s\), first at strain 0\.024; LAMMPS wall \d+ s; wrote aqs\/ev\.csv, aqs\/ss\.csv$/m);
    expect(text('aqs/ev.csv')).toBe(text('here.csv'));
    expect(rows('aqs/ss.csv')).toHaveLength(32);
    expect(text('aqs/ss.csv')).toBe(text('here-ss.csv'));
  }, 240_000);
});
