/**
 * The output files of a command run, declared once and checked before any
 * work starts, then written together:
 *
 *  - checks (UsageError naming the option): the extension fits what the
 *    option writes, the parent folder exists and is writable, the path is not
 *    a folder, no two outputs name the same file, no output names an input
 *    (inputs are never overwritten);
 *  - staging: each output is written under a hidden folder next to its final
 *    name (`.glasslab-out-<pid>-<k>/<name>`, same file system) and renamed to
 *    its final name when the run ends without error; when the run fails, the
 *    staged files are removed and files already at the final names are left
 *    as they were. A folder left by a killed run (`kill -9`) is reported by
 *    the next run that writes to the same folder (`staleOutputs`).
 *
 * Outputs declared `direct` (MD checkpoints, which must survive a crash) are
 * checked but written in place by their own atomic writer.
 */
import {
  baseName as basename, dirName as dirname, isWritable, joinPath as join, makeDir, platform, processAlive, readDir as readdirSync, realPath as realpathSync,
  relativePath as relative, remove, rename as renameSync, resolvePath as resolve, stat,
} from '../platform/index.ts';
import { formatFromName } from '../io/index.ts';
import { onRunEnd, UsageError, type RunContext } from './registry.ts';

/** What an output option writes; sets the file names it accepts. */
export type OutputKind = 'csv' | 'configuration' | 'dump' | 'checkpoint' | 'html' | 'any';

export interface OutputSpec {
  /** the path as given (relative to the working directory), or undefined when the option is absent */
  path: string | undefined;
  kind: OutputKind;
  /** written in place by its own atomic writer, not staged (checkpoints) */
  direct?: boolean;
  /** inputs this output may replace (a checkpoint may overwrite the checkpoint it resumed from) */
  mayReplace?: readonly (string | undefined)[];
}

const CSV_EXTENSIONS = ['.csv', '.txt'];

/** The file names an output of `kind` accepts, for messages. */
export function acceptedNames(kind: OutputKind): string {
  switch (kind) {
    case 'csv': return `${CSV_EXTENSIONS.join(', ')} (optionally .gz)`;
    case 'configuration': return '.data, .lmp, .lammps, .dump, .lammpstrj, .trj, .xyz, .extxyz (optionally .gz)';
    case 'dump': return '.dump, .lammpstrj, .trj (optionally .gz)';
    case 'checkpoint': return 'a name that is not a configuration or CSV name, e.g. run.ckpt';
    case 'html': return '.html';
    case 'any': return 'any name';
  }
}

function extensionFits(path: string, kind: OutputKind): boolean {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  switch (kind) {
    case 'csv': return CSV_EXTENSIONS.some((e) => name.endsWith(e) && name.length > e.length);
    case 'configuration': return formatFromName(path) !== null;
    case 'dump': return formatFromName(path) === 'lammps-dump';
    case 'checkpoint': return formatFromName(path) === null && !extensionFits(path, 'csv');
    case 'html': return name.endsWith('.html') && name.length > 5;
    case 'any': return true;
  }
}

function canonical(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // not there yet: its folder's real path and the name
    try {
      return join(realpathSync(dirname(p)), basename(p));
    } catch {
      return p;
    }
  }
}

const STAGE_PREFIX = '.glasslab-out-';
let stageCounter = 0;

interface Planned {
  option: string;
  given: string;
  final: string;
  direct: boolean;
  staged?: string;
}

/** The checked outputs of one run; see the module comment. */
export class Outputs {
  private readonly items = new Map<string, Planned>();
  private readonly stageDirs = new Map<string, string>();
  private staging = false;
  private state: 'open' | 'committed' | 'discarded' = 'open';

  private constructor(items: Planned[]) {
    for (const it of items) this.items.set(it.option, it);
  }

  /**
   * Check every declared output (see the module comment) and plan them.
   * `command` prefixes the messages; `inputs` are the input paths as given.
   * In a defineCommand run the outputs are committed when the run returns and
   * removed when it throws; otherwise they are written directly.
   */
  static plan(ctx: RunContext, command: string, inputs: readonly (string | undefined)[], specs: Readonly<Record<string, OutputSpec>>): Outputs {
    const fail = (msg: string) => new UsageError(`${command}: ${msg}`, command);
    const inputKeys = new Map<string, string>();
    for (const i of inputs) if (i !== undefined) inputKeys.set(canonical(resolve(ctx.cwd, i)), i);
    const planned: Planned[] = [];
    const seen = new Map<string, string>();
    for (const [option, spec] of Object.entries(specs)) {
      if (spec.path === undefined) continue;
      const given = spec.path;
      const final = resolve(ctx.cwd, given);
      const key = canonical(final);
      const mayReplace = new Set((spec.mayReplace ?? []).filter((p): p is string => p !== undefined).map((p) => canonical(resolve(ctx.cwd, p))));
      if (inputKeys.has(key) && !mayReplace.has(key)) {
        throw fail(`${option} ${given} is the input file; choose another output name (inputs are never overwritten)`);
      }
      const other = seen.get(key);
      if (other !== undefined) throw fail(`${other} and ${option} ${given} are the same file; give each output its own name`);
      seen.set(key, `${option} ${given}`);
      if (stat(final)?.isDirectory) throw fail(`${option} ${given} is a folder; give a file name`);
      if (!extensionFits(given, spec.kind)) {
        throw fail(`${option} ${given}: not a name this option writes; use ${acceptedNames(spec.kind)}`);
      }
      const parent = dirname(final);
      const pst = stat(parent);
      if (!pst) throw fail(`${option} ${given}: folder ${dirname(given)} does not exist; create it first`);
      if (!pst.isDirectory) throw fail(`${option} ${given}: ${dirname(given)} is not a folder`);
      if (!isWritable(parent)) throw fail(`${option} ${given}: folder ${dirname(given)} is not writable`);
      planned.push({ option, given, final, direct: spec.direct === true });
    }
    const folders = new Set(planned.filter((it) => !it.direct).map((it) => dirname(it.final)));
    for (const folder of folders) {
      for (const stale of staleOutputs(folder)) {
        const where = relative(ctx.cwd, stale.dir) || stale.dir;
        ctx.note(`${command}: note: ${where}${platform.pathSep} holds the unfinished outputs of a run that was killed (process ${stale.pid}): ` +
          `${stale.files.length > 0 ? stale.files.join(', ') : 'nothing'}; none of them is complete; move out what you need, then delete the folder`);
      }
    }
    const outputs = new Outputs(planned);
    outputs.staging = onRunEnd(ctx, (ok) => (ok ? outputs.commit() : outputs.discard()));
    return outputs;
  }

  /** Whether `option` names an output in this run. */
  has(option: string): boolean {
    return this.items.has(option);
  }

  /** Final path of `option`, undefined when not given. */
  final(option: string): string | undefined {
    return this.items.get(option)?.final;
  }

  /** Where to write `option` now: its staged path (created on first use), or the final path when not staged. */
  path(option: string): string | undefined {
    const it = this.items.get(option);
    if (!it) return undefined;
    if (it.direct || !this.staging) return it.final;
    if (this.state !== 'open') throw new Error(`outputs: ${option} asked for after the outputs were ${this.state}`);
    if (it.staged === undefined) {
      const parent = dirname(it.final);
      let dir = this.stageDirs.get(parent);
      if (dir === undefined) {
        dir = join(parent, `${STAGE_PREFIX}${platform.processId}-${++stageCounter}`);
        makeDir(dir);
        this.stageDirs.set(parent, dir);
      }
      it.staged = join(dir, basename(it.final));
    }
    return it.staged;
  }

  /** Move every staged output that was written to its final name; remove the staging folders. Idempotent. */
  async commit(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'committed';
    try {
      for (const it of this.items.values()) {
        if (it.staged === undefined || !exists(it.staged)) continue;
        renameSync(it.staged, it.final);
      }
    } finally {
      this.removeStaging();
    }
  }

  /** Remove every staged output; files at the final names are untouched. Idempotent. */
  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    this.removeStaging();
  }

  private removeStaging(): void {
    for (const dir of this.stageDirs.values()) remove(dir, { recursive: true });
    this.stageDirs.clear();
  }
}

function exists(p: string): boolean {
  return stat(p) !== undefined;
}

/**
 * Staging folders in `folder` left by runs that no longer exist (killed with
 * `kill -9`, or a crash): their paths and the files in them.
 */
export function staleOutputs(folder: string): { dir: string; pid: number; files: string[] }[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const found: { dir: string; pid: number; files: string[] }[] = [];
  for (const name of names) {
    const m = /^\.glasslab-out-(\d+)-\d+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === platform.processId || processAlive(pid)) continue;
    const dir = join(folder, name);
    let files: string[] = [];
    try { files = readdirSync(dir); } catch { /* gone meanwhile */ }
    found.push({ dir, pid, files });
  }
  return found;
}
