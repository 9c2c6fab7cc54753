/**
 * Locating tabulated potential files (EAM setfl etc.) the way users of LAMMPS
 * expect: an explicit path first, then $LAMMPS_POTENTIALS, then the Debian
 * `lammps-data` directory.
 */
import { environment, isDirectory, isFile, joinPath as join } from '../platform/index.ts';

/** Directory where Debian's `lammps-data` package installs potentials. */
export const SYSTEM_POTENTIAL_DIR = '/usr/share/lammps/potentials';

export interface PotentialFileOptions {
  /** a file, or a directory containing `fileName` (the `--potential PATH` option) */
  potentialPath?: string;
  /** environment to read LAMMPS_POTENTIALS from (default process.env) */
  env?: Record<string, string | undefined>;
}

/**
 * Resolve a potential file. Search order:
 * 1. `opts.potentialPath` (a file is used as is; a directory is joined with
 *    fileName); when given, it is the only place looked at;
 * 2. `$LAMMPS_POTENTIALS/fileName`;
 * 3. `/usr/share/lammps/potentials/fileName`.
 * Throws an Error listing every path tried and how to fix it.
 */
export function findPotentialFile(fileName: string, opts: PotentialFileOptions = {}): string {
  const env = opts.env ?? environment();
  if (opts.potentialPath) {
    // an explicit path is authoritative: no silent fallback to another copy
    const p = opts.potentialPath;
    const isDir = isDirectory(p);
    const c = isDir ? join(p, fileName) : p;
    if (isFile(c)) return c;
    throw new Error(
      `potential file not found at --potential ${p}` + (isDir ? ` (looked for ${c})` : '') +
      `; pass the path of ${fileName} or of the directory holding it.`,
    );
  }
  const tried: string[] = [];
  const candidates: string[] = [];
  if (env.LAMMPS_POTENTIALS) candidates.push(join(env.LAMMPS_POTENTIALS, fileName));
  candidates.push(join(SYSTEM_POTENTIAL_DIR, fileName));
  for (const c of candidates) {
    tried.push(c);
    if (isFile(c)) return c;
  }
  throw new Error(
    `potential file '${fileName}' not found; tried:\n  ${tried.join('\n  ')}\n` +
    `Fix: install the Debian package 'lammps-data' (apt-get install lammps-data), ` +
    `set LAMMPS_POTENTIALS to the directory holding it, or pass --potential PATH (a file or a directory).`,
  );
}
