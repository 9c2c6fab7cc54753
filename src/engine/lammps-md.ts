/**
 * The LAMMPS engine for MD: one input deck from an `MdJob`, run with
 * `runLammpsDeck`, results read back as the embedded engine gives them.
 *
 * The deck (LAMMPS manual, commands named):
 *   units / dimension / atom_style atomic / boundary, read_data start.data
 *   (our data writer: positions, velocities, masses, ids);
 *   the model's pair lines (lammps-model.ts);
 *   neighbor SKIN bin, neigh_modify every 1 delay 0 check yes (as our list);
 *   fix nve | nvt temp Tstart Tstop Tdamp tchain tloop |
 *       npt temp ... iso|aniso|tri Pstart Pstop Pdamp pchain ploop
 *   (the Nose-Hoover chains our integrators reproduce step by step,
 *   test/lammps/md.test.ts), fix enforce2d in 2D;
 *   thermo_style custom step time temp pe ke etotal press vol econserve
 *   [pxx .. lx .. xy ..] with norm no and %.17g: the columns of our thermo
 *   rows, totals not per atom, at full precision;
 *   dump custom id type xu yu zu [vx vy vz], sort id, %.17g, time yes (the
 *   columns and ITEM: TIME of our dump writer);
 *   with a checkpoint, the run in pieces of EVERY steps, each followed by
 *   write_restart FILE.tmp and shell mv FILE.tmp FILE (the checkpoint is a
 *   LAMMPS restart file under the name given, read with read_restart);
 *   write_dump of the final state (%.17g), which we read back and write in
 *   the format the caller asks, as the embedded engine does.
 */
import { joinPath as join } from '../platform/index.ts';
import { readDumpFrame } from '../io/index.ts';
import type { ThermoRow } from '../md/observers.ts';
import type { MdEngine, MdEngineHooks, MdEngineResult, MdJob } from './engine.ts';
import { deckSetup, lammpsPath, lmpNum, ThermoBlockReader, typeMassesOf, writeDeck } from './lammps-deck.ts';
import type { DeckFile } from './lammps-model.ts';
import { runLammpsDeck, type LammpsLaunch } from './lammps-process.ts';

/** File names inside the run folder. */
export const DECK = 'in.md.lmp';
export const FINAL_DUMP = 'final.dump';

/** The thermo keywords of the deck and the ThermoRow fields they fill, in our column order. */
function thermoKeywords(dim: 2 | 3, barostat: string | undefined): string[] {
  const base = ['step', 'time', 'temp', 'pe', 'ke', 'etotal', 'press', 'vol', 'econserve'];
  if (barostat !== 'aniso' && barostat !== 'tri') return base;
  const three = dim === 3;
  return [
    ...base,
    ...(three ? ['pxx', 'pyy', 'pzz', 'pxy', 'pxz', 'pyz'] : ['pxx', 'pyy', 'pxy']),
    ...(three ? ['lx', 'ly', 'lz'] : ['lx', 'ly']),
    ...(three ? ['xy', 'xz', 'yz'] : ['xy']),
  ];
}

const num = lmpNum;

/** The `fix` line(s) of the job's integrator. */
function fixLines(job: MdJob): string[] {
  const p = job.integrator.params;
  const name = job.integrator.name;
  const lines: string[] = [];
  if (name === 'nve') lines.push('fix md all nve');
  else if (name === 'nvt' || name === 'npt') {
    let fix = `fix md all ${name} temp ${num(p.Tstart)} ${num(p.Tstop)} ${num(p.Tdamp)} tchain ${num(p.tchain)} tloop ${num(p.tloop)}`;
    if (name === 'npt') {
      fix += ` ${p.barostat ?? 'iso'} ${num(p.Pstart)} ${num(p.Pstop)} ${num(p.Pdamp)} pchain ${num(p.pchain)} ploop ${num(p.ploop)}`;
    }
    lines.push(fix);
  } else {
    throw new Error(`the LAMMPS engine runs nve, nvt and npt; integrator '${name}' has no LAMMPS fix here`);
  }
  if (job.start.dim === 2) lines.push('fix plane all enforce2d');
  return lines;
}

/**
 * The run in pieces of `every` steps, each followed by the checkpoint
 * written to a temporary file and renamed over `path` (`shell mv`: rename(2)
 * on rank 0), so that `path` is always one whole restart file, the one the
 * user named (LAMMPS's own `restart N file` would write file.<step>). The
 * pieces are `run E upto start FIRST stop END`: the thermostat and barostat
 * ramps span the whole run, fix nh keeps its chains and its volume origin
 * (vol0 is set once), and a dump frame on a piece boundary is written once
 * (Output::setup skips a step already dumped). Each piece prints a thermo row
 * at its ends; MdLogReader keeps the rows on the `thermo` grid.
 */
function checkpointedRun(job: MdJob, c: { path: string; every: number }): string[] {
  const path = lammpsPath(c.path, 'checkpoint');
  const first = job.start.timestep ?? 0, end = first + job.steps;
  return [
    // min(step + every, end): LAMMPS 2021's min() takes computes and fixes only
    `variable ckpt_next equal "(step+${c.every}<${end})*(step+${c.every})+(step+${c.every}>=${end})*${end}"`,
    'label ckpt_piece',
    `run \${ckpt_next} upto start ${first} stop ${end}`,
    `write_restart ${path}.tmp`,
    `shell mv ${path}.tmp ${path}`,
    `if "\$(step) < ${end}" then "jump SELF ckpt_piece"`,
  ];
}

/**
 * The thermo keyword of fix md's etap[0] (the position of the barostat's
 * first chain thermostat) for an isotropic barostat with a chain: fix nh's
 * global vector is eta[tchain], eta_dot[tchain], omega[1], omega_dot[1],
 * etap[pchain], ... (LAMMPS manual, fix nh, "Restart, fix_modify, output").
 * LAMMPS 29 Sep 2021 counts that thermostat's energy in econserve as
 * pdim kT etap[0] (fix_nh.cpp compute_scalar: lkt_press += kt for each
 * barostatted dimension) while its integrator couples it with kT for iso
 * (nhc_press_integrate: lkt_press = kt); MdLogReader takes the excess
 * (pdim - 1) kT etap[0] out, which gives the conserved quantity of our
 * integrator (measured: LAMMPS's econserve drifts by +8 in 400 steps of a
 * KA N = 500 NPT run at P = 0, T = 0.6; exactly 2 kT etap[0]).
 */
function etapColumn(job: Pick<MdJob, 'integrator'>): string | undefined {
  const p = job.integrator.params;
  if (job.integrator.name !== 'npt' || (p.barostat ?? 'iso') !== 'iso' || !(Number(p.pchain) > 0)) return undefined;
  return `f_md[${2 * Number(p.tchain) + 3}]`;
}

/** The deck text and the files it reads (start data, pair tables), for a run in one folder. */
export function lammpsMdDeck(job: MdJob, opts: { title?: string } = {}): { deck: string; files: DeckFile[] } {
  const sys = job.start;
  if (!sys.velocities) throw new Error('the LAMMPS engine needs a start with velocities (draw them with initVelocities)');
  const setup = deckSetup({ ...job, title: opts.title ?? 'glasslab md --engine lammps' });
  const dim = sys.dim;
  const keywords = thermoKeywords(dim, job.integrator.params.barostat as string | undefined);
  const lines: string[] = [
    ...setup.lines,
    // a tri barostat moves the tilts: LAMMPS needs a triclinic cell, the embedded engine takes an orthogonal one as tilt 0
    ...(job.integrator.params.barostat === 'tri' && !sys.box.triclinic ? ['change_box all triclinic'] : []),
    `timestep ${num(job.dt)}`,
    ...fixLines(job),
    `thermo_style custom ${[...keywords, ...(etapColumn(job) ? [etapColumn(job)] : [])].join(' ')}`,
    'thermo_modify norm no format float %.17g flush yes',
    `thermo ${job.thermoEvery}`,
  ];
  if (job.dump) {
    const cols = ['id', 'type', 'xu', 'yu', ...(dim === 3 ? ['zu'] : [])];
    if (job.dump.velocities) cols.push('vx', 'vy', ...(dim === 3 ? ['vz'] : []));
    lines.push(
      `dump traj all custom ${job.dump.every} ${lammpsPath(job.dump.path, 'dump')} ${cols.join(' ')}`,
      // a resumed run appends to the dump after the frames up to its start, which the run before wrote (delay: none before the next
      // step), without ITEM: TIME (LAMMPS would count it from 0 again: the restart file does not keep it)
      job.restart === undefined ? 'dump_modify traj sort id time yes format float %.17g' : `dump_modify traj sort id format float %.17g append yes delay ${(sys.timestep ?? 0) + 1}`,
    );
  }
  if (job.checkpoint) lines.push(...checkpointedRun(job, job.checkpoint));
  else lines.push(`run ${job.steps}`);
  const finalCols = ['id', 'type', 'xu', 'yu', ...(dim === 3 ? ['zu'] : []), 'vx', 'vy', ...(dim === 3 ? ['vz'] : [])];
  lines.push(`write_dump all custom ${FINAL_DUMP} ${finalCols.join(' ')} modify sort id format float %.17g`);
  return { deck: lines.join('\n') + '\n', files: setup.files };
}

/** Write the deck and its files into `dir` (created); returns the deck's path. */
export function writeLammpsMd(job: MdJob, dir: string, opts: { title?: string } = {}): string {
  const { deck, files } = lammpsMdDeck(job, opts);
  return writeDeck(dir, DECK, deck, files);
}

/** Our thermo rows (`ThermoRow`) out of LAMMPS screen lines (the deck's thermo keywords). */
export class LammpsThermoReader {
  private readonly block = new ThermoBlockReader();
  constructor(private readonly dim: 2 | 3) {}

  /** The values of the last row by thermo keyword header (`PotEng`, `f_md[9]`, ...). */
  raw: Record<string, number> | undefined;

  /** The row of this line, or undefined when the line is not a thermo row. */
  feed(line: string): ThermoRow | undefined {
    const r = this.block.feed(line);
    this.raw = r;
    if (!r) return undefined;
    const at = (name: string) => r[name] ?? NaN;
    const pick = (names: string[]) => names.filter((n) => n in r).map(at);
    const three = this.dim === 3;
    return {
      step: at('Step'), time: at('Time'), T: at('Temp'), PE: at('PotEng'), KE: at('KinEng'), Etot: at('TotEng'),
      P: at('Press'), volume: at('Volume'), conserved: at('Econserve'),
      pressureTensor: pick(three ? ['Pxx', 'Pyy', 'Pzz', 'Pxy', 'Pxz', 'Pyz'] : ['Pxx', 'Pyy', 'Pxy']),
      lengths: pick(three ? ['Lx', 'Ly', 'Lz'] : ['Lx', 'Ly']),
      tilts: pick(three ? ['Xy', 'Xz', 'Yz'] : ['Xy']),
    };
  }
}

/** What reading an MD run's LAMMPS output back needs of its job (kept in a cluster job's manifest). */
export interface MdReadBack {
  dim: 2 | 3;
  /** steps of the run */
  steps: number;
  /** the start's step (the first thermo row's) */
  firstStep: number;
  integrator: { name: string; params: Record<string, unknown> };
  /** the pressure-unit factor of the job's units (Units.nktv2p) */
  nktv2p: number;
  /** the start's box volume (length^dim) */
  startVolume: number;
  /** Boltzmann's constant of the job's units (Units.kB) */
  kB?: number;
  /** iso barostat with a chain: the thermo keyword of fix md's etap[0] (etapColumn) */
  etap?: string;
  /**
   * the deck's `thermo N`: rows off its grid (step % N != 0, other than the
   * first and last) are dropped; a checkpointed run prints rows at its
   * pieces' ends (absent in manifests written before it was kept: all rows)
   */
  thermoEvery?: number;
  /** added to LAMMPS's Time column: a run continued from a restart file counts its time from 0 (LAMMPS 2021 does not keep the elapsed time in restart files) */
  timeOffset?: number;
}

/** The read-back description of a job. */
export function mdReadBack(job: MdJob): MdReadBack {
  return {
    dim: job.start.dim, steps: job.steps, firstStep: job.start.timestep ?? 0, thermoEvery: job.thermoEvery,
    integrator: { name: job.integrator.name, params: { ...job.integrator.params } }, nktv2p: job.units.nktv2p, startVolume: job.start.box.volume, kB: job.units.kB,
    ...(etapColumn(job) ? { etap: etapColumn(job) } : {}),
    // a continued run: its time is taken as its step times dt (the run before from step 0 at the same dt)
    ...(job.restart !== undefined ? { timeOffset: (job.start.timestep ?? 0) * job.dt } : {}),
  };
}

/**
 * Our conserved quantity minus LAMMPS's `econserve` at `done` steps into the
 * run. They differ only under a barostat: ours adds P0(t) V(t) (P0 the
 * ramped target in energy/volume), fix npt's energy adds P0(t) (V(t) - V0)
 * with V0 the volume at the start of the run (fix_nh.cpp, compute_scalar);
 * the difference is P0(t) V0. An iso barostat's chain adds the excess
 * (pdim - 1) kT etap[0] (etapColumn), taken out here.
 */
function conservedOffset(job: MdReadBack, done: number, raw: Record<string, number> | undefined): number {
  const p = job.integrator.params;
  if (job.integrator.name !== 'npt') return 0;
  const frac = job.steps > 0 ? done / job.steps : 0;
  const P = Number(p.Pstart) + frac * (Number(p.Pstop) - Number(p.Pstart));
  let offset = (P / job.nktv2p) * job.startVolume;
  // the excess (pdim - 1) kT etap[0] of LAMMPS's iso barostat chain energy (etapColumn), kT at the ramped target
  const etap = job.etap === undefined ? undefined : raw?.[job.etap];
  if (etap !== undefined) {
    const T = Number(p.Tstart) + frac * (Number(p.Tstop) - Number(p.Tstart));
    offset -= (job.dim - 1) * (job.kB ?? 1) * T * etap;
  }
  return offset;
}

/**
 * The thermo rows of an MD deck's screen or log lines, as the embedded
 * engine gives them: our conserved quantity, one row per step.
 */
export class MdLogReader {
  readonly rows: ThermoRow[] = [];
  private readonly reader: LammpsThermoReader;
  constructor(private readonly job: MdReadBack) {
    this.reader = new LammpsThermoReader(job.dim);
  }

  /** The new row of this line, or undefined. */
  feed(line: string): ThermoRow | undefined {
    const row = this.reader.feed(line);
    if (!row) return undefined;
    const j = this.job, every = j.thermoEvery;
    if (every !== undefined && row.step !== j.firstStep && row.step !== j.firstStep + j.steps && (every === 0 || row.step % every !== 0)) return undefined;
    row.conserved += conservedOffset(this.job, row.step - this.job.firstStep, this.reader.raw);
    row.time += this.job.timeOffset ?? 0;
    // rows are unique by step (a repeated step would come from a second block of the same run)
    const rows = this.rows;
    if (rows.length > 0 && rows[rows.length - 1].step === row.step) return undefined;
    rows.push(row);
    return row;
  }
}

/**
 * LAMMPS as an `MdEngine`: writes the deck into `dir` (kept: the deck, its
 * log and the start data document the run), runs it with `launch`, streams
 * thermo rows, reads the final state back.
 */
export class LammpsEngine implements MdEngine {
  readonly name = 'lammps';
  constructor(readonly launch: LammpsLaunch, readonly dir: string) {}

  async md(job: MdJob, hooks: MdEngineHooks = {}): Promise<MdEngineResult> {
    writeLammpsMd(job, this.dir);
    const reader = new MdLogReader(mdReadBack(job));
    const thermo = reader.rows;
    const first = job.start.timestep ?? 0;
    const run = await runLammpsDeck(this.dir, DECK, this.launch, {
      signal: hooks.signal,
      onLine: (line) => {
        const row = reader.feed(line);
        if (!row) return;
        hooks.onThermo?.(row);
        hooks.onProgress?.(row.step - first, job.steps);
      },
    });
    const step = thermo.length > 0 ? thermo[thermo.length - 1].step : first;
    if (run.aborted) return { thermo, step, aborted: true, wallSeconds: run.wallSeconds };
    const final = await readDumpFrame(join(this.dir, FINAL_DUMP), 0, { dim: job.start.dim, typeMasses: typeMassesOf(job.potential, job.start) });
    return { thermo, final, step, aborted: false, wallSeconds: run.wallSeconds };
  }
}
