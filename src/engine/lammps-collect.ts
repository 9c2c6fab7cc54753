/**
 * Reading a LAMMPS job folder back (`glasslab collect DIR`): for each run
 * folder of the manifest (lammps-job.ts), whether LAMMPS finished, and for a
 * finished run the files the embedded engine writes, next to LAMMPS's own:
 *   - the thermo CSV (the columns of `md --thermo-csv`, our conserved
 *     quantity: MdLogReader over log.lammps);
 *   - the final configuration (data file with velocities, from final.dump);
 *   - the dump is LAMMPS's (`id type xu yu [zu] [vx vy vz]`, sorted, with
 *     ITEM: TIME: the columns of our dump writer), checked to be there.
 *
 * A run is finished when its log has LAMMPS's closing "Total wall time"
 * line and its outputs exist. Otherwise it is failed (an ERROR line in the
 * log, or Slurm's "*** JOB ... CANCELLED ..." line in the member's
 * slurm-*.out: time limit, cancelled, out of memory), running (a log that
 * stops without either: still running, or killed without a word), or not
 * started (no log). Each state has a one-line message naming its file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeTextAtomic } from '../io/files.ts';
import { readDumpFrame, writeSystem } from '../io/index.ts';
import type { ThermoRow } from '../md/observers.ts';
import { thermoCsv } from '../md/thermo-table.ts';
import type { System } from '../system/system.ts';
import { lastErrorLine } from './lammps-process.ts';
import { MdLogReader } from './lammps-md.ts';
import { JOB_LOG, readJobManifest, type MdJobManifest } from './lammps-job.ts';

export type MemberState = 'finished' | 'failed' | 'running' | 'not started';

export interface CollectedMember {
  /** run folder, relative to the job folder ('.' for a single run) */
  folder: string;
  state: MemberState;
  /** why it is not finished: one line naming the file */
  message?: string;
  /** thermo rows read from the log (also of an unfinished run, up to where it is) */
  thermo: ThermoRow[];
  /** last step in the log */
  step?: number;
  /** LAMMPS's "Total wall time" (s) */
  wallSeconds?: number;
  /** the final configuration (finished runs) */
  final?: System;
  /** paths written by collect (thermo CSV, final data) */
  written: string[];
}

export interface CollectedJob {
  dir: string;
  manifest: MdJobManifest;
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
    const text = readFileSync(join(dir, f), 'utf8');
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

async function collectMember(dir: string, manifest: MdJobManifest, k: number, count: number): Promise<CollectedMember> {
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
  const log = readFileSync(logPath, 'utf8');
  const reader = new MdLogReader(manifest.readBack);
  for (const line of log.split('\n')) reader.feed(line);
  member.thermo = reader.rows;
  member.step = reader.rows.at(-1)?.step;
  const end = manifest.readBack.firstStep + manifest.readBack.steps;
  const at = member.step === undefined ? 'before its first thermo row' : `at step ${member.step} of ${end}`;
  const error = lastErrorLine(log);
  if (error) return { ...member, state: 'failed', message: `LAMMPS failed ${at}: ${error} (${logPath})` };
  const wall = totalWallTime(log);
  if (wall === undefined) {
    if (killed) return { ...member, state: 'failed', message: `killed by Slurm ${at}: ${killed.line} (${killed.file})` };
    return { ...member, state: 'running', message: `${logPath} stops ${at} (still running, or killed without a message)` };
  }
  member.wallSeconds = wall;
  const out = manifest.outputs;
  for (const name of [out.finalDump, out.dump, out.checkpoint]) {
    if (name === undefined) continue;
    const f = join(run, name);
    if (!existsSync(f) || statSync(f).size === 0) return { ...member, state: 'failed', message: `LAMMPS finished but ${f} is ${existsSync(f) ? 'empty' : 'missing'}` };
  }
  if (member.step !== end) return { ...member, state: 'failed', message: `LAMMPS finished at step ${member.step ?? 'none'}, not ${end} (${logPath})` };
  const final = await readDumpFrame(join(run, out.finalDump), 0, { dim: manifest.readBack.dim, typeMasses: manifest.typeMasses });
  final.timestep = member.step;
  const csv = join(run, out.thermoCsv), data = join(run, out.final);
  await writeTextAtomic(csv, thermoCsv(reader.rows, manifest.columns));
  await writeSystem(data, final, { velocities: true });
  return { ...member, state: 'finished', final, written: [csv, data] };
}
