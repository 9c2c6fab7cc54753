/**
 * `glasslab kernel install`: writes the kernelspec (kernel.json) into a
 * Jupyter data directory, without Python, following jupyter_client's
 * KernelSpecManager.install_kernel_spec locations:
 *   --user          $JUPYTER_DATA_DIR or the per-user data dir
 *                   (~/.local/share/jupyter; ~/Library/Jupyter on macOS; %APPDATA%\jupyter)
 *   --sys-prefix    <sys.prefix>/share/jupyter, sys.prefix taken from the active
 *                   $CONDA_PREFIX or $VIRTUAL_ENV
 *   --prefix DIR    DIR/share/jupyter
 * into <data dir>/kernels/glasslab/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../src/commands/registry.ts';
import { DISPLAY_NAME, KERNEL_NAME } from './server.ts';

/** The kernel launcher, absolute. */
export const LAUNCHER = fileURLToPath(new URL('./launch.mjs', import.meta.url));

export interface InstallTarget {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
}

/** The kernelspec: absolute node and launcher paths, so it works from any environment. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, LAUNCHER, '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { debugger: false },
  };
}

/** Jupyter's per-user data directory (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = homedir();
  if (platform() === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform() === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'jupyter');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'jupyter');
}

/** The kernels directory for a target (exactly one of user / sysPrefix / prefix; user by default). */
export function kernelsDir(target: InstallTarget, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const chosen = [target.user, target.sysPrefix, target.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('kernel install: give only one of --user, --sys-prefix, --prefix DIR', 'kernel');
  if (target.prefix !== undefined) return join(resolve(cwd, target.prefix), 'share', 'jupyter', 'kernels');
  if (target.sysPrefix) {
    const prefix = env.CONDA_PREFIX ?? env.VIRTUAL_ENV;
    if (!prefix) {
      throw new UsageError('kernel install --sys-prefix: no active conda environment ($CONDA_PREFIX) or virtualenv ($VIRTUAL_ENV); activate one, or use --user or --prefix DIR', 'kernel');
    }
    return join(prefix, 'share', 'jupyter', 'kernels');
  }
  return join(userDataDir(env), 'kernels');
}

/** Write <kernels dir>/glasslab/kernel.json; returns the kernelspec directory. */
export function installKernelSpec(target: InstallTarget, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(kernelsDir(target, cwd, env), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  return dir;
}
