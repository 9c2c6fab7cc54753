/**
 * Running LAMMPS on an input deck: `lmp` directly, under `mpirun -np N`, or
 * under any launcher (`srun -n 128`), with its screen output streamed line
 * by line to the caller (thermo rows for the progress display and the
 * thermo CSV).
 *
 * The process runs in its own process group (spawned detached): an abort
 * (Ctrl-C in the CLI, an interrupt in the kernel) sends SIGTERM to the whole
 * group (mpirun and its ranks), then SIGKILL after KILL_GRACE_MS, and the
 * call returns only once the group leader has exited. If this Node process
 * exits meanwhile, the group is killed too. A failed run throws one line:
 * the last ERROR line LAMMPS printed, and the deck's path.
 */
import { envVar, exists, isRoot, joinPath as join, readText, startProcess } from '../platform/index.ts';

/** How to start LAMMPS. */
export interface LammpsLaunch {
  /** the LAMMPS binary, default 'lmp' (or $GLASSLAB_LMP) */
  lmp?: string;
  /** MPI ranks: `mpirun -np N` (with --allow-run-as-root when running as root); 1 or absent: no mpirun */
  mpi?: number;
  /** a launcher command line put before the binary, e.g. 'srun -n 128' (words split on spaces, quotes respected) */
  launcher?: string;
}

export interface LammpsRunHooks {
  /** each line LAMMPS writes to its screen (stdout) */
  onLine?: (line: string) => void;
  /** stops the run: the process group is killed */
  signal?: AbortSignal;
}

export interface LammpsRunResult {
  /** true when the run was stopped by the signal */
  aborted: boolean;
  exitCode: number | null;
  wallSeconds: number;
  /** path of the log file (log.lammps in the deck's folder) */
  log: string;
}

/** Milliseconds between SIGTERM and SIGKILL of a stopped run. */
export const KILL_GRACE_MS = 3000;

/** Words of a launcher command line, as a POSIX shell splits them without expansions: whitespace separates, quotes group (`--bind="a b"` is one word). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of line) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== undefined) throw new Error(`launcher '${line}': unclosed ${quote}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** True when this process runs as root (OpenMPI's mpirun then needs --allow-run-as-root). */
function runningAsRoot(): boolean {
  return isRoot();
}

/** The command line (program and arguments) that runs `deck` (a file name in the working folder). */
export function lammpsArgv(launch: LammpsLaunch, deck: string, log = 'log.lammps'): string[] {
  const lmp = launch.lmp ?? envVar('GLASSLAB_LMP') ?? 'lmp';
  if (launch.launcher !== undefined && launch.mpi !== undefined && launch.mpi > 1) {
    throw new Error('give either an MPI rank count (--mpi) or a launcher (--launcher), not both');
  }
  const prefix = launch.launcher !== undefined
    ? splitCommandLine(launch.launcher)
    : launch.mpi !== undefined && launch.mpi > 1
      ? ['mpirun', ...(runningAsRoot() ? ['--allow-run-as-root'] : []), '-np', String(launch.mpi)]
      : [];
  return [...prefix, lmp, '-in', deck, '-log', log];
}

/** The last line of `text` with LAMMPS's "ERROR" marker, trimmed; undefined when there is none. */
export function lastErrorLine(text: string): string | undefined {
  const lines = text.split('\n').filter((l) => /^\s*ERROR/.test(l));
  return lines.length > 0 ? lines[lines.length - 1].trim() : undefined;
}

/**
 * Run the deck `deck` (file name in `dir`) with `launch`; resolves when
 * LAMMPS has exited. Throws on a failed start or a non-zero exit, with the
 * last ERROR line and the deck's path.
 */
export function runLammpsDeck(dir: string, deck: string, launch: LammpsLaunch, hooks: LammpsRunHooks = {}): Promise<LammpsRunResult> {
  const argv = lammpsArgv(launch, deck);
  const deckPath = join(dir, deck);
  const log = join(dir, 'log.lammps');
  const t0 = performance.now();
  if (hooks.signal?.aborted) return Promise.resolve({ aborted: true, exitCode: null, wallSeconds: 0, log });
  return new Promise<LammpsRunResult>((resolve, reject) => {
    let child: ReturnType<typeof startProcess>;
    try {
      // the platform starts it in its own process group and kills the group if this process exits first
      child = startProcess(argv, { cwd: dir, env: { OMP_NUM_THREADS: envVar('OMP_NUM_THREADS') ?? '1' } });
    } catch (e) {
      reject(e);
      return;
    }
    let aborted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      aborted = true;
      child.killGroup('SIGTERM');
      killTimer = setTimeout(() => child.killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    const tail: string[] = [];
    const keep = (line: string) => { tail.push(line); if (tail.length > 200) tail.shift(); };
    const lineReader = (emit: boolean) => {
      let rest = '';
      return (chunk: string) => {
        const text = rest + chunk;
        const lines = text.split('\n');
        rest = lines.pop()!;
        for (const l of lines) {
          keep(l);
          if (emit) hooks.onLine?.(l);
        }
      };
    };
    child.onStdout(lineReader(true));
    child.onStderr(lineReader(false));

    let failedStart: Error | undefined;
    child.onError((e) => {
      failedStart = e.notFound
        ? new Error(`cannot start '${argv[0]}': not found; install LAMMPS (Debian: apt install lammps${argv[0] === 'mpirun' ? ' openmpi-bin' : ''}) or give its path with --lmp`)
        : new Error(`cannot start '${argv.join(' ')}': ${e.message}`);
    });
    child.onClose((code, sig) => {
      if (killTimer) clearTimeout(killTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      const wallSeconds = (performance.now() - t0) / 1000;
      if (failedStart) { reject(failedStart); return; }
      if (aborted) { resolve({ aborted: true, exitCode: code, wallSeconds, log }); return; }
      if (code === 0) { resolve({ aborted: false, exitCode: 0, wallSeconds, log }); return; }
      const logText = exists(log) ? readText(log) : '';
      const err = lastErrorLine(tail.join('\n')) ?? lastErrorLine(logText);
      const last = err ?? tail.filter((l) => l.trim() !== '').slice(-1)[0]?.trim() ?? `exit ${code ?? sig}`;
      reject(new Error(`LAMMPS failed: ${last} (deck ${deckPath})`));
    });
  });
}
