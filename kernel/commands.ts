/**
 * The kernel's CLI commands, for the shared command registry:
 *   glasslab kernel install [--user | --sys-prefix | --prefix DIR]
 *   glasslab kernel start CONNECTION_FILE
 *   glasslab run-notebooks [PATH] [--scale quick|medium|paper] [--out DIR] [--single-file]
 *   glasslab gallery [PATH] [--scale quick|medium|paper] [--out DIR] [--from DIR | --executed DIR]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand, UsageError, type Registry } from '../src/commands/registry.ts';
import { chooseEngine, ENGINES, SCALES } from './notebook.ts';
import { engineOptions } from '../src/commands/common.ts';
import { onPath } from '../src/engine/lammps-job.ts';
// install, runner and main are imported when a command runs: the CLI stays
// fast to start (tslab's TypeScript and zeromq load only when needed)

/**
 * `glasslab kernel`: `registry` is the registry the kernel's magics are
 * built from (the app's, which also holds this command).
 */
export const kernelCommand = (registry: () => Registry) => defineCommand({
  name: 'kernel',
  summary: 'install the glasslab Jupyter kernel (kernelspec), or start it on a connection file',
  description: 'install writes <data dir>/kernels/glasslab/kernel.json (no Python needed); '
    + '`jupyter kernelspec list` then shows "glasslab". start is what Jupyter runs.',
  positionals: [
    { name: 'action', summary: 'install | start', metavar: 'install|start' },
    { name: 'connectionFile', summary: 'connection file (start only)', required: false, metavar: 'CONNECTION_FILE' },
  ],
  options: {
    user: { type: 'boolean', summary: 'install for the current user (the default)' },
    sysPrefix: { type: 'boolean', summary: 'install into the active conda env or virtualenv ($CONDA_PREFIX / $VIRTUAL_ENV)' },
    prefix: { type: 'string', metavar: 'DIR', summary: 'install into DIR/share/jupyter/kernels' },
  },
  examples: ['install --user', 'install --prefix /tmp/jp'],
  async run(args, ctx) {
    if (args.action === 'install') {
      if (args.connectionFile !== undefined) throw new UsageError(`kernel install: unexpected argument '${args.connectionFile}'`, 'kernel');
      const { installKernelSpec } = await import('./install.ts');
      const dir = installKernelSpec({ user: args.user, sysPrefix: args.sysPrefix, prefix: args.prefix }, ctx.cwd);
      ctx.print(`Installed kernelspec glasslab in ${dir}`);
      return dir;
    }
    if (args.action === 'start') {
      if (!args.connectionFile) throw new UsageError('kernel start: missing argument CONNECTION_FILE', 'kernel');
      const { startKernel } = await import('./main.ts');
      await startKernel(resolve(ctx.cwd, args.connectionFile), registry());
      await new Promise(() => {}); // serve until shutdown_request exits the process
    }
    throw new UsageError(`kernel: unknown action '${args.action}' (expected install or start)`, 'kernel');
  },
});

/** A notebook file, or every .ipynb directly in a directory (sorted). */
export function notebookPaths(path: string, cwd: string): string[] {
  const p = resolve(cwd, path);
  if (!existsSync(p)) throw new UsageError(`run-notebooks: ${p} does not exist`, 'run-notebooks');
  if (statSync(p).isDirectory()) {
    const files = readdirSync(p).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(p, f));
    if (files.length === 0) throw new UsageError(`run-notebooks: no .ipynb files in ${p}`, 'run-notebooks');
    return files;
  }
  if (!p.endsWith('.ipynb')) throw new UsageError(`run-notebooks: ${p} is not a .ipynb notebook`, 'run-notebooks');
  return [p];
}

/** The options run-notebooks and gallery share (one meaning per option name: test/cli/vocabulary.test.ts). */
const SCALE_SUMMARY = 'problem size: quick (minutes), medium (at most an hour per notebook on 2 cores: the papers\' headline claims with error bars), paper (the published sizes, days) or workshop (minutes in a browser tab on one thread; the quickstart and the workshop notebook only)';
const CELL_TIMEOUT_SUMMARY = 'time limit of one cell';

export const runNotebooksCommand = defineCommand({
  name: 'run-notebooks',
  summary: 'execute notebooks with the glasslab kernel; write executed .ipynb and standalone HTML',
  description: 'Runs over the Jupyter protocol from Node (no Python). The scale reaches each notebook through '
    + "its parameters cell (papermill's `parameters` tag): a `const scale` is injected after it, with `const engine` and "
    + 'a %engine line that makes the notebooks\' %md, %minimize and %shear run with LAMMPS (at --scale paper when lmp is found; --mpi N or '
    + '$GLASSLAB_MPI ranks) or the embedded engine; the injected cell prints which. '
    + 'Stops at the first failing cell with the notebook, the cell number in the input notebook and traceback.',
  positionals: [{ name: 'path', summary: 'a notebook, or a directory of notebooks (default: notebooks)', required: false, metavar: 'PATH' }],
  options: {
    scale: { type: 'enum', choices: SCALES, default: 'quick', summary: SCALE_SUMMARY },
    out: { type: 'string', short: 'o', default: 'out', metavar: 'DIR', summary: 'output directory' },
    cellTimeout: { type: 'number', min: 1, default: 1800, unit: 's', summary: CELL_TIMEOUT_SUMMARY },
    singleFile: { type: 'boolean', summary: 'put KaTeX fonts and plotly.js inside each HTML report (larger) instead of the shared DIR/assets/' },
    engine: {
      type: 'enum', choices: ENGINES,
      summary: "engine of the notebooks' %md, %minimize and %shear lines (injected as the parameter `engine` and %engine); default: lammps at --scale paper when lmp is found, else glasslab",
    },
    mpi: engineOptions.mpi,
  },
  examples: ['', 'notebooks/00-quickstart.ipynb --out out/', '--scale medium', '--scale paper', '--scale paper --mpi 16'],
  async run(args, ctx) {
    const files = notebookPaths(args.path ?? 'notebooks', ctx.cwd);
    const lmp = process.env.GLASSLAB_LMP ?? 'lmp';
    const lmpFound = lmp.includes('/') ? existsSync(lmp) : onPath(lmp) !== undefined;
    if (args.engine === 'lammps' && !lmpFound) throw new UsageError(`run-notebooks: --engine lammps: LAMMPS binary '${lmp}' not found; install LAMMPS or set GLASSLAB_LMP`, 'run-notebooks');
    if (args.mpi !== undefined && args.engine === 'glasslab') throw new UsageError('run-notebooks: --mpi applies to the lammps engine', 'run-notebooks');
    let engine;
    try {
      engine = chooseEngine(args.scale, args.engine, lmpFound, args.mpi);
    } catch (e) {
      throw new UsageError(`run-notebooks: ${(e as Error).message}`, 'run-notebooks');
    }
    ctx.note(`run-notebooks: scale ${args.scale}, engine ${engine.engine}${engine.mpi ? ` (mpirun -np ${engine.mpi})` : ''}`);
    const { runNotebooks } = await import('./runner.ts');
    const runs = await runNotebooks(files, {
      scale: args.scale, engine, outDir: resolve(ctx.cwd, args.out), cellTimeoutMs: args.cellTimeout * 1000,
      log: (l) => ctx.note(l), signal: ctx.signal, singleFile: args.singleFile,
    });
    for (const r of runs) ctx.print(`${r.notebook}: ${r.cells} cells in ${r.seconds.toFixed(1)} s -> ${r.ipynb}, ${r.html}`);
    return runs;
  },
});

export const galleryCommand = defineCommand({
  name: 'gallery',
  summary: 'run the notebooks and build the gallery: their HTML reports and an index with one headline figure and the ours-vs-paper table per paper',
  description: 'Without --from: run-notebooks at --scale into --executed (default out/gallery-SCALE), then the reports and the index '
    + 'into --out. With --from DIR: only build the gallery from notebooks already executed in DIR (the --out of an earlier '
    + 'run-notebooks). Every page loads plotly.js and KaTeX from one shared OUT/assets/; the executed .ipynb files (each with '
    + 'plotly.js inlined, ~5 MB) stay out of the gallery. The headline figure of a notebook is named by its '
    + 'metadata.glasslab.gallery.headline (a figure title prefix).',
  positionals: [{ name: 'path', summary: 'a notebook, or a directory of notebooks (default: notebooks); ignored with --from', required: false, metavar: 'PATH' }],
  options: {
    scale: { type: 'enum', choices: SCALES, default: 'medium', summary: SCALE_SUMMARY },
    out: { type: 'string', short: 'o', default: 'docs/gallery', metavar: 'DIR', summary: 'gallery directory (reports, assets/, index.html)' },
    from: { type: 'string', metavar: 'DIR', summary: 'build from the executed notebooks in DIR instead of running them' },
    executed: { type: 'string', metavar: 'DIR', summary: 'where the notebooks run without --from write the executed .ipynb (default: out/gallery-SCALE)' },
    cellTimeout: { type: 'number', min: 1, default: 3600, unit: 's', summary: CELL_TIMEOUT_SUMMARY },
  },
  examples: ['--scale medium --out docs/gallery', '--from out/ --out docs/gallery'],
  async run(args, ctx) {
    const out = resolve(ctx.cwd, args.out);
    let from = out;
    if (args.from !== undefined) {
      from = resolve(ctx.cwd, args.from);
      if (!existsSync(from) || !statSync(from).isDirectory()) throw new UsageError(`gallery: --from ${args.from} is not a directory of executed notebooks; run glasslab run-notebooks --out ${args.from} first`, 'gallery');
    } else {
      if (args.executed !== undefined && resolve(ctx.cwd, args.executed) === out) throw new UsageError(`gallery: --executed must differ from --out (${args.out}): the executed notebooks carry plotly.js inlined and stay out of the gallery`, 'gallery');
      from = resolve(ctx.cwd, args.executed ?? join('out', `gallery-${args.scale}`));
      const files = notebookPaths(args.path ?? 'notebooks', ctx.cwd);
      const { runNotebooks } = await import('./runner.ts');
      const runs = await runNotebooks(files, { scale: args.scale, outDir: from, cellTimeoutMs: args.cellTimeout * 1000, log: (l) => ctx.note(l), signal: ctx.signal });
      for (const r of runs) ctx.print(`${r.notebook}: ${r.cells} cells in ${r.seconds.toFixed(1)} s`);
    }
    const { buildGallery } = await import('./gallery.ts');
    const g = await buildGallery({ from, out, log: (l) => ctx.note(l) });
    ctx.print(`gallery: ${g.index} (${g.entries.map((e) => e.name).join(', ')})`);
    return g;
  },
});
