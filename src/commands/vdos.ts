/**
 * `glasslab vdos TRAJ --frame-dt DT --band 0:0.6 [--band 11:12] --out softness.csv`:
 * per-atom vibrational density of states from the velocities of an MD
 * trajectory and the VDOS softness of Fan et al., PRB 105, 104112 (2022)
 * (src/analysis/vdos.ts for the formulas, normalisations and units).
 *
 * Writes `id,type,S_<lo>_<hi>,...` (one column per band, sorted by id) and,
 * with --spectra, `omega,total,type_1,...` (the MD-VDOS, sum of the per-atom
 * D_i, and its per-type parts). Frequencies are angular (rad per time unit)
 * unless --units cyclic. The dump is streamed in bounded memory (--memory).
 * It returns the library's result, vdosAnalysis of src/analysis/vdos/analysis.ts
 * (the tables it writes, the figures, the peak), which displays the total VDOS.
 */
import { resolvePath as resolve } from '../platform/index.ts';
import { writeTextAtomic } from '../io/files.ts';
import { bandLabel, type VdosBand } from '../analysis/vdos/vdos.ts';
import { VDOS_NORMALIZATIONS, VDOS_WINDOWS } from '../analysis/vdos/spectra.ts';
import type { VdosProgress } from '../analysis/vdos/stream.ts';
import { vdosAnalysis, type VdosAnalysis } from '../analysis/vdos/analysis.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError } from './registry.ts';
import type { ProgressReporter } from '../display/progress.ts';
import { frameOptions, inputFile, outputOption, trajectoryRenames } from './common.ts';
import { Outputs } from './outputs.ts';

export const vdosCommand = defineCommand({
  name: 'vdos',
  summary: 'per-atom VDOS from MD velocities and the VDOS softness (Fan et al. 2022)',
  description: 'Per-atom D_i(omega) = int C_i(t) e^{i omega t} dt from the velocity autocorrelation with time-origin\n' +
    'averaging (Wiener-Khinchin on the zero-padded series); the MD-VDOS is sum_i D_i. For each --band lo:hi\n' +
    '(half open, angular frequency by default) writes S(i) = sum over the band of D_i / sum_j D_j\n' +
    '(Fan et al., PRB 105, 104112 (2022)); --softness-scale mean divides by the system average (their Figs. 2c, 3d).\n' +
    'The dump needs vx vy vz columns (positions are optional) and evenly spaced frames; --frame-dt is the time between consecutive frames of the file (the frames used are --stride x --frame-dt apart).',
  positionals: [{ name: 'trajectory', summary: 'LAMMPS dump (plain or .gz) with id, type and vx vy vz columns' }],
  renamed: { ...trajectoryRenames, window: 'taper', scale: 'softness-scale' },
  options: {
    frameDt: { ...frameOptions.frameDt, required: true, metavar: 'DT' },
    band: { type: 'range', repeatable: true, summary: 'frequency band lo:hi of a softness column (default 0:0.6, the paper\'s omega_c)' },
    out: outputOption('softness CSV id,type,S_lo_hi,...'),
    spectra: { type: 'string', metavar: 'FILE', summary: 'also write omega,total,type_1,... (the MD-VDOS) to this CSV' },
    taper: { type: 'enum', choices: VDOS_WINDOWS, default: 'none', summary: 'taper of the velocity series (none: the paper\'s estimator)' },
    pad: { type: 'number', min: 1, default: 2, summary: 'zero padding: transform length = next power of two >= pad x frames' },
    normalization: { type: 'enum', choices: VDOS_NORMALIZATIONS, default: 'atom', summary: 'atom: C_i(0) = 1 (paper, area pi per atom); none: <v(t).v(0)>; mass: m_i <v(t).v(0)>' },
    softnessScale: { type: 'enum', choices: ['none', 'mean'], default: 'none', summary: 'softness as the formula (none) or divided by its system average (mean)' },
    units: { type: 'enum', choices: ['angular', 'cyclic'], default: 'angular', summary: 'frequency units of bands and spectra: rad per time unit, or cycles per time unit' },
    start: frameOptions.start,
    stop: frameOptions.stop,
    stride: frameOptions.stride,
    memory: { type: 'integer', min: 16, default: 512, unit: 'MiB', summary: 'velocity data held in memory; larger trajectories go through a temporary file' },
    tmpDir: { type: 'string', metavar: 'DIR', summary: 'directory of the temporary file (default the system temp directory)' },
  },
  examples: [
    'run.dump --frame-dt 0.02 --band 0:0.6 --band 11:12 --out softness.csv --spectra vdos.csv',
    'run.dump.gz --frame-dt 0.02 --softness-scale mean --out softness.csv',
  ],
  result: { from: 'analysis', name: 'VdosAnalysis' },
  async run(args, ctx): Promise<VdosAnalysis> {
    const input = resolve(ctx.cwd, args.trajectory);
    inputFile(args.trajectory, ctx.cwd);
    const bandRanges = args.band.length > 0 ? args.band : [{ lo: 0, hi: 0.6 }];
    const bands: VdosBand[] = bandRanges.map(({ lo, hi }) => {
      if (!(lo >= 0 && hi > lo)) throw new UsageError(`vdos: bad --band ${lo}:${hi}: need 0 <= lo < hi (e.g. --band 0:0.6)`, 'vdos');
      return [lo, hi] as const;
    });
    const labels = bands.map(bandLabel);
    if (new Set(labels).size !== labels.length) throw new UsageError(`vdos: the same --band is given twice (${labels.join(', ')})`, 'vdos');
    const outs = Outputs.plan(ctx, 'vdos', [args.trajectory], { '--out': { path: args.out, kind: 'csv' }, '--spectra': { path: args.spectra, kind: 'csv' } });
    const out = outs.path('--out')!;
    const spectraOut = outs.path('--spectra');
    const frameDt = args.frameDt * (args.stride ?? 1);

    let bar: ProgressReporter | undefined, stage = '';
    const onProgress: VdosProgress = (s, done, total) => {
      if (s !== stage) {
        bar?.finish();
        stage = s;
        bar = ctx.progress(s === 'read' ? 'vdos: reading velocities' : 'vdos: per-atom spectra', total, s === 'read' ? 'frames' : 'atoms');
      }
      bar!.update(done, total);
    };
    let r: VdosAnalysis;
    try {
      r = await vdosAnalysis(input, {
        frameDt, bands, scale: args.softnessScale, window: args.taper, pad: args.pad, normalization: args.normalization, units: args.units,
        start: args.start, stop: args.stop, step: args.stride, memoryBudget: args.memory * 2 ** 20,
        tmpDir: args.tmpDir === undefined ? undefined : resolve(ctx.cwd, args.tmpDir), onProgress,
      });
    } finally {
      bar?.finish();
    }
    await writeTextAtomic(out, tableCsv(r.table()));
    if (spectraOut !== undefined) await writeTextAtomic(spectraOut, tableCsv(r.spectraTable()));
    if (r.vdos.zeroAtoms > 0) ctx.note(`vdos: warning: ${r.vdos.zeroAtoms} atom(s) have zero velocity in every frame; their D_i is 0`);
    for (const l of r.summary().split('\n')) ctx.print(l);
    return r;
  },
});
