/**
 * Reading a LAMMPS job folder back (`glasslab collect DIR`): for each run
 * folder of the manifest (lammps-job.ts), whether LAMMPS finished, and for a
 * finished run the files the embedded engine writes, next to LAMMPS's own.
 * An md job:
 *   - the thermo CSV (the columns of `md --thermo-csv`, our conserved
 *     quantity: MdLogReader over log.lammps);
 *   - the final configuration (data file with velocities, from final.dump);
 *   - the dump is LAMMPS's (`id type xu yu [zu] [vx vy vz]`, sorted, with
 *     ITEM: TIME: the columns of our dump writer), checked to be there.
 * A minimize job: the MinimizeResult (readMinimizeResult: the inherent
 * structure's energy and LAMMPS's final forces) and the relaxed
 * configuration under minimize's --out name; not converged is failed.
 * A shear job: the AqsResult (readShearRun: our event detection over the
 * minima, the drops sheared back by the deck), the events CSV and the
 * stress-strain CSV of `shear --out` and `--stress-strain`.
 *
 * A run is finished when its log has LAMMPS's closing "Total wall time"
 * line and its outputs exist. Otherwise it is failed (an ERROR line in the
 * log, or Slurm's "*** JOB ... CANCELLED ..." line in the member's
 * slurm-*.out: time limit, cancelled, out of memory), running (a log that
 * stops without either: still running, or killed without a word), or not
 * started (no log). Each state has a one-line message naming its file.
 */
import { exists as existsSync, joinPath as join, readDir as readdirSync, readText, stat } from '../platform/index.ts';
import { writeTextAtomic } from '../io/files.ts';
import { readDumpFrame, readSystem, writeSystem } from '../io/index.ts';
import type { ThermoRow } from '../md/observers.ts';
import type { MinimizeResult } from '../minimize/minimize.ts';
import { tableCsv } from '../plot/result.ts';
import type { AqsResult } from '../protocols/aqs.ts';
import { thermoCsv } from '../md/thermo-table.ts';
import type { System } from '../system/system.ts';
import { lastErrorLine } from './lammps-process.ts';
import { MdLogReader } from './lammps-md.ts';
import { START_DATA } from './lammps-deck.ts';
import { JOB_LOG, readJobManifest, type JobManifest } from './lammps-job.ts';
import { MIN_FINAL, MinimizeLogReader, readMinimizeResult } from './lammps-minimize.ts';
import { aqsLine, readShearRun, SHEAR_MINIMA } from './lammps-shear.ts';

export type MemberState = 'finished' | 'failed' | 'running' | 'not started';

export interface CollectedMember {
  /** run folder, relative to the job folder ('.' for a single run) */
  folder: string;
  state: MemberState;
  /** why it is not finished: one line naming the file */
  message?: string;
  /** md: thermo rows read from the log (also of an unfinished run, up to where it is) */
  thermo: ThermoRow[];
  /** md: last step in the log; shear: last strain step */
  step?: number;
  /** LAMMPS's "Total wall time" (s) */
  wallSeconds?: number;
  /** the final configuration (finished runs; a minimisation's relaxed one, a shear's last minimum) */
  final?: System;
  /** minimize and shear jobs: the result the embedded engine gives (MinimizeResult, AqsResult) */
  result?: MinimizeResult | AqsResult;
  /** paths written by collect (thermo CSV, final data) */
  written: string[];
}

export interface CollectedJob {
  dir: string;
  manifest: JobManifest;
  members: CollectedMember[];
}

/** Seconds of a LAMMPS "Total wall time: H:MM:SS" line, or undefined. */
export function totalWallTime(log: string): number | undefined {
  const m = /^Total wall time: (\d+):(\d+):(\d+)\s*$/m.exec(log);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/** Slurm's own line about a killed job or step in a member's slurm-*.out ("*** JOB 12 ON n1 CANCELLED AT ... DUE TO TIME LIMIT ***"). */
function slurmKill(dir: string, index: number, count: number): { file: string; line: string } | undefined {
  let names: string[];
  try { names = readdirSync(dir); } catch { return undefined; }
  const mine = names.filter((f) => (count === 1 ? /^slurm-\d+\.out$/ : new RegExp(`^slurm-\\d+_${index}\\.out$`)).test(f)).sort();
  for (const f of mine.reverse()) {
    const text = readText(join(dir, f));
    const line = text.split('\n').reverse().find((l) => /\*\*\* (JOB|STEP) .*(CANCELLED|FAILED|OUT OF MEMORY|TIME LIMIT)/.test(l));
    if (line) return { file: join(dir, f), line: line.replace(/^.*?(\*\*\*)/, '$1').trim() };
  }
  return undefined;
}

/**
 * The state of every run of the job folder `dir`; for each finished run,
 * the thermo CSV and the final configuration are written into its folder
 * (atomically, under the manifest's names). Runs that are not finished are
 * reported, not written.
 */
export async function collectLammpsJob(dir: string, hooks: { onMember?: (m: CollectedMember) => void } = {}): Promise<CollectedJob> {
  const manifest = readJobManifest(dir);
  const members: CollectedMember[] = [];
  const count = manifest.members.length;
  for (let k = 0; k < count; k++) {
    const m = await collectMember(dir, manifest, k, count);
    members.push(m);
    hooks.onMember?.(m);
  }
  return { dir, manifest, members };
}

async function collectMember(dir: string, manifest: JobManifest, k: number, count: number): Promise<CollectedMember> {
  const folder = manifest.members[k];
  const run = join(dir, folder);
  const member: CollectedMember = { folder, state: 'not started', thermo: [], written: [] };
  const deck = join(run, manifest.deck);
  if (!existsSync(deck)) return { ...member, state: 'failed', message: `${deck} is missing: the job folder is incomplete` };
  const logPath = join(run, JOB_LOG);
  const killed = slurmKill(dir, k, count);
  if (!existsSync(logPath)) {
    if (killed) return { ...member, state: 'failed', message: `killed by Slurm before LAMMPS started: ${killed.line} (${killed.file})` };
    return { ...member, message: `no ${logPath} yet (still queued, or not submitted)` };
  }
  const log = readText(logPath);
  // how far the run got: the last thermo row (md) or strain step (shear); a minimisation reports no progress here
  let at: string, end: number | undefined;
  let reader: MdLogReader | undefined;
  if (manifest.kind === 'md') {
    reader = new MdLogReader(manifest.readBack);
    for (const line of log.split('\n')) reader.feed(line);
    member.thermo = reader.rows;
    member.step = reader.rows.at(-1)?.step;
    end = manifest.readBack.firstStep + manifest.readBack.steps;
    at = member.step === undefined ? 'before its first thermo row' : `at step ${member.step} of ${end}`;
  } else if (manifest.kind === 'shear') {
    const nktv2p = manifest.readBack.nktv2p;
    for (const line of log.split('\n')) member.step = aqsLine(line, nktv2p)?.step ?? member.step;
    end = manifest.readBack.steps;
    at = member.step === undefined ? 'before the minimum at strain 0' : `at strain step ${member.step} of ${end}`;
  } else {
    at = 'while minimising';
  }
  const error = lastErrorLine(log);
  if (error) return { ...member, state: 'failed', message: `LAMMPS failed ${at}: ${error} (${logPath})` };
  const wall = totalWallTime(log);
  if (wall === undefined) {
    if (killed) return { ...member, state: 'failed', message: `killed by Slurm ${at}: ${killed.line} (${killed.file})` };
    return { ...member, state: 'running', message: `${logPath} stops ${at} (still running, or killed without a message)` };
  }
  member.wallSeconds = wall;
  const produced = manifest.kind === 'md' ? [manifest.outputs.finalDump, manifest.outputs.dump, manifest.outputs.checkpoint] : [manifest.kind === 'shear' ? SHEAR_MINIMA : MIN_FINAL];
  for (const name of produced) {
    if (name === undefined) continue;
    const f = join(run, name);
    if (!existsSync(f) || stat(f)!.size === 0) return { ...member, state: 'failed', message: `LAMMPS finished but ${f} is ${existsSync(f) ? 'empty' : 'missing'}` };
  }
  if (end !== undefined && member.step !== end) return { ...member, state: 'failed', message: `LAMMPS finished at step ${member.step ?? 'none'}, not ${end} (${logPath})` };
  if (manifest.kind === 'minimize') {
    const min = new MinimizeLogReader();
    for (const line of log.split('\n')) min.feed(line);
    const r = await readMinimizeResult(run, manifest.readBack, min);
    const out = join(run, manifest.outputs.final);
    await writeSystem(out, r.system);
    const done = { ...member, final: r.system, result: r, written: [out] };
    if (!r.converged) return { ...done, state: 'failed', message: `not converged (${r.reason}): max force ${r.maxForce.toExponential(3)} > ftol ${manifest.readBack.ftol}; the last configuration was written to ${out}` };
    return { ...done, state: 'finished' };
  }
  if (manifest.kind === 'shear') {
    const start = await readSystem(join(run, START_DATA));
    const r = await readShearRun(run, manifest.readBack, start, log);
    const written = [join(run, manifest.outputs.events)];
    await writeTextAtomic(written[0], tableCsv(r.table()));
    if (manifest.outputs.stressStrain !== undefined) {
      written.push(join(run, manifest.outputs.stressStrain));
      await writeTextAtomic(written[1], tableCsv(r.stepsTable()));
    }
    return { ...member, state: 'finished', final: r.final, result: r, written };
  }
  const out = manifest.outputs;
  const final = await readDumpFrame(join(run, out.finalDump), 0, { dim: manifest.readBack.dim, typeMasses: manifest.typeMasses });
  final.timestep = member.step!;
  const csv = join(run, out.thermoCsv), data = join(run, out.final);
  await writeTextAtomic(csv, thermoCsv(reader!.rows, manifest.columns));
  await writeSystem(data, final, { velocities: true });
  return { ...member, state: 'finished', final, written: [csv, data] };
}
