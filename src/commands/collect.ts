/**
 * `glasslab collect DIR`: reads a LAMMPS job folder (md, minimize or shear
 * --engine lammps --write-only DIR, with or without --submit slurm) back
 * once it has run (src/engine/lammps-collect.ts): checks that each run
 * finished and writes the files the command writes with the embedded engine
 * (md: thermo CSV and final data; minimize: the relaxed configuration;
 * shear: events and stress-strain CSVs), for the analyses. One line per run;
 * runs not finished are named with their file, and the command fails after
 * collecting the others.
 */
import { relativePath as relative, resolvePath as resolve, stat } from '../platform/index.ts';
import { collectLammpsJob, type CollectedJob, type CollectedMember } from '../engine/lammps-collect.ts';
import { defineCommand, UsageError } from './registry.ts';
import { num } from './common.ts';

export const collectCommand = defineCommand({
  name: 'collect',
  summary: 'read a finished LAMMPS job folder back (md, minimize, shear): check each run, write the files the command writes',
  description: 'DIR is a job folder written by md, minimize or shear --engine lammps --write-only DIR (md: --members;\n' +
    '--submit slurm). For each run (DIR, or DIR/member-000 ...) it checks that LAMMPS finished (the log\'s "Total wall\n' +
    'time" and the run\'s outputs present), then writes in the run folder what the command writes when it runs here:\n' +
    'md: the thermo CSV (md --thermo-csv columns) and the final configuration (data with velocities) under the names\n' +
    'given to md (--thermo-csv, --final; default thermo.csv, final.data); minimize: the inherent structure under the\n' +
    '--out name (an unconverged one is written and reported failed); shear: the events CSV and the stress-strain CSV\n' +
    'under the --out and --stress-strain names (events found on LAMMPS\'s minima, each drop sheared back in the deck).\n' +
    'Runs that failed (LAMMPS ERROR, killed by Slurm), still run or never started are named, one line each, with\n' +
    'their file; the command then fails (exit 1) after collecting the finished ones.',
  positionals: [{ name: 'dir', summary: 'the job folder (holds job.json)', metavar: 'DIR' }],
  options: {},
  examples: ['job/', 'iso/', 'min/', 'aqs/'],
  async run(args, ctx): Promise<CollectedJob> {
    const dir = resolve(ctx.cwd, args.dir);
    if (!stat(dir)?.isDirectory) throw new UsageError(`collect: ${args.dir} is not a folder; give the job folder md --write-only wrote`, 'collect');
    const shown = (p: string) => relative(ctx.cwd, p) || '.';
    const line = (m: CollectedMember): string => {
      const name = m.folder === '.' ? shown(dir) : m.folder;
      if (m.state !== 'finished') return `${name}: ${m.state}: ${m.message!.replaceAll(dir, shown(dir))}`;
      const wrote = `LAMMPS wall ${m.wallSeconds} s; wrote ${m.written.map(shown).join(', ')}`;
      if (m.result !== undefined && 'kind' in m.result) {
        const r = m.result, last = r.steps.at(-1)!;
        return `${name}: finished: ${r.steps.length - 1} strain steps to strain ${num(Number(last.strain.toPrecision(6)))}, ${r.events.length} event(s)` +
          `${r.reversibleDrops.length ? ` (${r.reversibleDrops.length} reversible drops not counted)` : ''}${r.events.length ? `, first at strain ${num(Number(r.events[0].strainAfter.toPrecision(6)))}` : ''}; ${wrote}`;
      }
      if (m.result !== undefined) {
        const r = m.result;
        return `${name}: finished: pe/atom ${num(r.energy / r.system.n)}, max force ${r.maxForce.toExponential(3)} (converged), ${r.iterations} iterations, ${wrote}`;
      }
      const last = m.thermo.at(-1)!;
      const n = m.final!.n;
      const mean = (f: (r: typeof last) => number) => m.thermo.reduce((s, r) => s + f(r), 0) / m.thermo.length;
      return `${name}: finished: steps ${m.thermo[0].step}..${last.step}, mean T ${num(Number(mean((r) => r.T).toPrecision(4)))}, ` +
        `final PE/N ${num(Number((last.PE / n).toPrecision(6)))}, ${wrote}`;
    };
    let job: CollectedJob;
    try {
      job = await collectLammpsJob(dir, { onMember: (m) => (m.state === 'finished' ? ctx.print(line(m)) : ctx.note(line(m))) });
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.includes('job.json')) throw new UsageError(`collect: ${msg.replaceAll(dir, shown(dir))}`, 'collect');
      throw e;
    }
    const done = job.members.filter((m) => m.state === 'finished').length, total = job.members.length;
    if (done < total) {
      const counts = (['failed', 'running', 'not started'] as const).map((s) => [s, job.members.filter((m) => m.state === s).length] as const).filter(([, c]) => c > 0);
      throw new Error(`${total - done} of ${total} run(s) not finished (${counts.map(([s, c]) => `${c} ${s}`).join(', ')}); ${done} collected` +
        `${total > 1 ? `; rerun the unfinished members alone with sbatch --array=${job.members.map((m, k) => (m.state === 'finished' ? -1 : k)).filter((k) => k >= 0).join(',')} job.slurm` : ''}`);
    }
    ctx.print(`collected ${total} run(s) of ${shown(dir)}: ${job.manifest.title}`);
    return job;
  },
});
