/**
 * LAMMPS jobs run elsewhere (a cluster): the decks of one or more runs (md,
 * minimize or shear) written into a job folder with a manifest (`job.json`: what `collect` needs
 * to read the results back) and a Slurm batch script (`job.slurm`), submitted
 * with `sbatch` when it is on the PATH.
 *
 * Layout of a job folder DIR:
 *   DIR/job.json            the manifest (MdJobManifest)
 *   DIR/job.slurm           the batch script (with --submit slurm)
 *   DIR/in.md.lmp, start.data, [pair.table]       one run (in.minimize.lmp,
 *                                                 in.shear.lmp for the others), or
 *   DIR/member-000/..., member-001/...            an ensemble (Slurm job array,
 *                                                 one deck folder per member)
 * Each run folder is a complete LAMMPS run: `lmp -in in.md.lmp -log
 * log.lammps` in it writes the dump, `final.dump` and the restart file named
 * in its deck. An ensemble's member k is array task k (`#SBATCH --array=0-K-1`,
 * `$SLURM_ARRAY_TASK_ID`), run in its own folder, so a failed member is rerun
 * alone (`sbatch --array=k job.slurm`).
 *
 * Slurm (sbatch manual, https://slurm.schedmd.com/sbatch.html): `#SBATCH`
 * lines carry --job-name, --nodes, --ntasks, --time, --partition, --account,
 * --array and --output (slurm-%j.out, or slurm-%A_%a.out for an array, in the
 * submission folder); the script runs in $SLURM_SUBMIT_DIR, so it is
 * submitted from the job folder (`cd DIR && sbatch job.slurm`), and `srun`
 * starts LAMMPS's ranks on the allocation (--ntasks of them).
 */
import { commandOutput, envVar, exists as existsSync, joinPath as join, makeDir, platform, readDir as readdirSync, readText, writeFileAtomic } from '../platform/index.ts';
import type { MdJob } from './engine.ts';
import { typeMassesOf, writeDeck } from './lammps-deck.ts';
import { DECK, FINAL_DUMP, lammpsMdDeck, mdReadBack, type MdReadBack } from './lammps-md.ts';
import type { DeckFile } from './lammps-model.ts';
import { lammpsMinimizeDeck, minimizeReadBack, MIN_DECK, type MinimizeJob, type MinimizeReadBack } from './lammps-minimize.ts';
import { SHEAR_DECK, shearJobDeck, type AqsJob, type ShearReadBack } from './lammps-shear.ts';

export const JOB_MANIFEST = 'job.json';
export const JOB_SCRIPT = 'job.slurm';
/** The LAMMPS log of each run folder (the script's `-log`). */
export const JOB_LOG = 'log.lammps';

/** What every job folder's manifest holds. */
interface JobManifestBase {
  format: 'glasslab-lammps-job';
  version: 1;
  /** one line describing the runs */
  title: string;
  /** the deck's file name in each run folder */
  deck: string;
  /** run folders relative to the job folder: ['.'] for one run, member-000 ... for an ensemble */
  members: string[];
  /** mass of each atom type (index = type; mass units), for reading dumps back */
  typeMasses: number[];
}

/** An MD job folder (md --write-only) and what `collect` makes of it. */
export interface MdJobManifest extends JobManifestBase {
  kind: 'md';
  /** how the thermo and final state are read back */
  readBack: MdReadBack;
  /** columns of the thermo CSV that collect writes (thermoColumns) */
  columns: string[];
  /** file names in each run folder: written by LAMMPS (dump, checkpoint, final.dump) or by collect (thermoCsv, final) */
  outputs: { dump?: string; checkpoint?: string; finalDump: string; thermoCsv: string; final: string };
}

/** A minimisation job folder (minimize --write-only): collect writes the relaxed configuration under `outputs.final`. */
export interface MinimizeJobManifest extends JobManifestBase {
  kind: 'minimize';
  readBack: MinimizeReadBack;
  outputs: { final: string };
}

/** An AQS job folder (shear --write-only): collect writes the events CSV and, when named, the stress-strain CSV. */
export interface ShearJobManifest extends JobManifestBase {
  kind: 'shear';
  readBack: ShearReadBack;
  outputs: { events: string; stressStrain?: string };
}

export type JobManifest = MdJobManifest | MinimizeJobManifest | ShearJobManifest;
/** The command that writes each kind of job folder. */
const KINDS = ['md', 'minimize', 'shear'] as const;

/** Batch-script settings (sbatch options of the same names). */
export interface SlurmOptions {
  jobName?: string;
  nodes?: number;
  /** MPI ranks of each run (srun starts this many) */
  ntasks?: number;
  /** wall-clock limit, Slurm's format: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS */
  time?: string;
  partition?: string;
  account?: string;
}

/** The run folder of member k of K (K = 1: the job folder itself). */
export function memberFolder(k: number, count: number): string {
  return count === 1 ? '.' : `member-${String(k).padStart(3, '0')}`;
}

/** Slurm's time formats (sbatch --time). */
const SLURM_TIME = /^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2})$/;
/** Partition, account and job names: no spaces or shell characters. */
const SLURM_NAME = /^[A-Za-z0-9_.+-]+$/;

/** Checks the settings; throws one line naming the bad one. */
export function checkSlurmOptions(s: SlurmOptions): void {
  if (s.time !== undefined && !SLURM_TIME.test(s.time)) {
    throw new Error(`time '${s.time}' is not a Slurm time: give minutes, HH:MM:SS or D-HH:MM:SS (e.g. 24:00:00 or 2-00:00:00)`);
  }
  for (const [k, v] of [['partition', s.partition], ['account', s.account], ['job name', s.jobName]] as const) {
    if (v !== undefined && !SLURM_NAME.test(v)) throw new Error(`${k} '${v}' has characters Slurm names do not have (letters, digits, _ . + - only)`);
  }
  for (const [k, v] of [['nodes', s.nodes], ['ntasks', s.ntasks]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new Error(`${k} ${v} must be a positive integer`);
  }
}

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * The batch script that runs every member of the job: `argv` is the command
 * line run in each run folder (`srun lmp -in in.md.lmp -log log.lammps`, from
 * lammpsArgv with the launcher `srun`).
 */
export function slurmScript(m: JobManifest, argv: readonly string[], s: SlurmOptions = {}): string {
  checkSlurmOptions(s);
  const count = m.members.length;
  const sb = (k: string, v: string | number | undefined) => (v === undefined ? [] : [`#SBATCH --${k}=${v}`]);
  const lines = [
    '#!/bin/bash',
    ...sb('job-name', s.jobName ?? `glasslab-${m.kind}`),
    ...sb('nodes', s.nodes),
    ...sb('ntasks', s.ntasks),
    ...sb('time', s.time),
    ...sb('partition', s.partition),
    ...sb('account', s.account),
    ...(count > 1 ? [`#SBATCH --array=0-${count - 1}`, '#SBATCH --output=slurm-%A_%a.out'] : ['#SBATCH --output=slurm-%j.out']),
    `# ${m.title}`,
    `# written by glasslab: submit from this folder (cd into it, then: sbatch ${JOB_SCRIPT});`,
    '# when it has run, read the results back with: glasslab collect <this folder>',
    'set -euo pipefail',
    // sbatch runs a copy of the script in its spool folder: the job folder is where it was submitted from (bash job.slurm: the script's own folder)
    `job="\${SLURM_SUBMIT_DIR:-$(cd "$(dirname "$0")" && pwd)}"`,
    'cd "$job"',
    ...(count > 1
      ? [
          'task="${SLURM_ARRAY_TASK_ID:?this job is an array of ' + count + ' members: submit it with sbatch, or set SLURM_ARRAY_TASK_ID to 0..' + (count - 1) + '}"',
          'cd "$(printf \'member-%03d\' "$task")"',
        ]
      : []),
    `if [ ! -f ${shellWord(m.deck)} ]; then echo "glasslab: no ${m.deck} in $PWD: submit ${JOB_SCRIPT} from its job folder" >&2; exit 1; fi`,
    argv.map(shellWord).join(' '),
  ];
  return lines.join('\n') + '\n';
}

/** Write `text` to `path` through a temporary file renamed over it. */
function writeAtomic(path: string, text: string): void {
  writeFileAtomic(path, new TextEncoder().encode(text));
}

/**
 * Write one deck per run folder (one deck: the folder itself) and the
 * manifest into `dir` (created; must be new or empty). The outputs are
 * plain file names: each run writes them in its own folder.
 */
export function writeJobFolder<M extends JobManifest>(dir: string, decks: readonly { deck: string; files: DeckFile[] }[], manifest: Omit<M, 'format' | 'version' | 'members'>): M {
  if (decks.length === 0) throw new Error('a job needs at least one run');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty; give a new or empty folder`);
  for (const p of Object.values(manifest.outputs) as (string | undefined)[]) {
    if (p !== undefined && /[/\\]/.test(p)) throw new Error(`${p}: a job's output is a file name in its run folder, not a path`);
  }
  const members = decks.map((_, k) => memberFolder(k, decks.length));
  makeDir(dir);
  decks.forEach((d, k) => writeDeck(join(dir, members[k]), manifest.deck, d.deck, d.files));
  const m = { format: 'glasslab-lammps-job', version: 1, ...manifest, members } as M;
  writeAtomic(join(dir, JOB_MANIFEST), JSON.stringify(m, null, 1) + '\n');
  return m;
}

/**
 * Write the MD decks of `jobs` (one run folder each) and the manifest into
 * `dir` (writeJobFolder); the jobs' dump and checkpoint paths are file names.
 */
export function writeMdJobFolder(
  dir: string, jobs: readonly MdJob[],
  opts: { title: string; columns: string[]; thermoCsv: string; final: string; deckTitle?: (k: number) => string },
): MdJobManifest {
  if (jobs.length === 0) throw new Error('a job needs at least one run');
  const j0 = jobs[0];
  return writeJobFolder<MdJobManifest>(dir, jobs.map((job, k) => lammpsMdDeck(job, { title: opts.deckTitle?.(k) ?? opts.title })), {
    kind: 'md', title: opts.title, deck: DECK, readBack: mdReadBack(j0), typeMasses: typeMassesOf(j0.potential, j0.start), columns: opts.columns,
    outputs: {
      ...(j0.dump ? { dump: j0.dump.path } : {}), ...(j0.checkpoint ? { checkpoint: j0.checkpoint.path } : {}),
      finalDump: FINAL_DUMP, thermoCsv: opts.thermoCsv, final: opts.final,
    },
  });
}

/** Write a minimisation deck (lammpsMinimizeDeck) and its manifest into `dir` (writeJobFolder); `final`: collect's file name for the relaxed configuration. */
export function writeMinimizeJobFolder(dir: string, job: MinimizeJob, opts: { title: string; final: string }): MinimizeJobManifest {
  return writeJobFolder<MinimizeJobManifest>(dir, [lammpsMinimizeDeck(job, { title: opts.title })], {
    kind: 'minimize', title: opts.title, deck: MIN_DECK, readBack: minimizeReadBack(job), typeMasses: typeMassesOf(job.potential, job.start), outputs: { final: opts.final },
  });
}

/** Write an AQS deck to maxStrain (shearJobDeck: drops sheared back in the deck) and its manifest into `dir`; collect's file names for the events and stress-strain CSVs. */
export function writeShearJobFolder(dir: string, job: AqsJob, opts: { title: string; events: string; stressStrain?: string }): ShearJobManifest {
  const { deck, files, readBack } = shearJobDeck(job);
  return writeJobFolder<ShearJobManifest>(dir, [{ deck, files }], {
    kind: 'shear', title: opts.title, deck: SHEAR_DECK, readBack, typeMasses: readBack.typeMasses,
    outputs: { events: opts.events, ...(opts.stressStrain !== undefined ? { stressStrain: opts.stressStrain } : {}) },
  });
}

/** Write the batch script into the job folder; returns its path. */
export function writeSlurmScript(dir: string, m: JobManifest, argv: readonly string[], s: SlurmOptions = {}): string {
  const path = join(dir, JOB_SCRIPT);
  writeAtomic(path, slurmScript(m, argv, s));
  return path;
}

/** The manifest of a job folder; one-line errors name the file. */
export function readJobManifest(dir: string): JobManifest {
  const path = join(dir, JOB_MANIFEST);
  if (!existsSync(path)) throw new Error(`${path} does not exist: ${dir} is not a job folder written by md, minimize or shear --engine lammps --write-only`);
  let m: JobManifest;
  try {
    m = JSON.parse(readText(path)) as JobManifest;
  } catch (e) {
    throw new Error(`${path}: not readable JSON (${(e as Error).message})`);
  }
  if (m.format !== 'glasslab-lammps-job' || m.version !== 1 || !KINDS.includes(m.kind) || !Array.isArray(m.members)) {
    throw new Error(`${path}: not a glasslab job manifest of version 1 (format ${String(m.format)}, version ${String(m.version)})`);
  }
  return m;
}

/** The first executable `name` on the PATH, or undefined. */
export function onPath(name: string, path = envVar('PATH') ?? ''): string | undefined {
  for (const d of path.split(platform.pathDelimiter)) {
    if (d === '') continue;
    const f = join(d, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/**
 * Submit the job folder's script with `sbatch --parsable` (run in the
 * folder); returns the job id, or undefined when sbatch is not on the PATH.
 * A refused submission throws sbatch's message.
 */
export function submitSlurm(dir: string): string | undefined {
  const sbatch = onPath('sbatch');
  if (sbatch === undefined) return undefined;
  const r = commandOutput([sbatch, '--parsable', JOB_SCRIPT], { cwd: dir });
  if (!r) throw new Error(`sbatch ${JOB_SCRIPT} in ${dir}: it did not start`);
  if (r.status !== 0) throw new Error(`sbatch refused ${join(dir, JOB_SCRIPT)}: ${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? `exit ${r.status}`}`);
  // --parsable: "jobid" or "jobid;cluster"
  const id = r.stdout.trim().split('\n').at(-1)!.split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch ${JOB_SCRIPT} in ${dir}: unexpected answer '${r.stdout.trim()}' (expected a job id)`);
  return id;
}
