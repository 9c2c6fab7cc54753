/**
 * The result protocol (src/plot/result.ts) on every kind of result that a
 * command or a notebook produces, each built by its factory on a small
 * fixture: a kind that loadResult knows, a summary whose first line is not
 * empty, a table whose rows have one cell per column, a Plotly figure (or
 * several), and loadResult(JSON.parse(JSON.stringify(r))) giving back the
 * same kind, summary, table and figure.
 */
import { describe, expect, it } from 'vitest';
import { selfDynamics } from '../../src/analysis/dynamics/dynamics.ts';
import { phopAnalysis } from '../../src/analysis/dynamics/phop-analysis.ts';
import { computePhop } from '../../src/analysis/dynamics/phop.ts';
import { localRdf } from '../../src/analysis/softness/local-softness.ts';
import { lteAnalysis } from '../../src/analysis/lte/analysis.ts';
import { cagingSoftnessAnalysis } from '../../src/analysis/softness/softness-analysis.ts';
import { partialRdf, structureFactorFromRdf } from '../../src/analysis/structure/structure.ts';
import { makeVdosAnalysis } from '../../src/analysis/vdos/analysis.ts';
import { normalModeAnalysis } from '../../src/analysis/vdos/normal-modes.ts';
import { vdosFromVelocities } from '../../src/analysis/vdos/vdos.ts';
import { isFigureResult, isAnalysisResult, resultData, resultJSON, tableProblems, type AnalysisResult } from '../../src/plot/result.ts';
import { loadResult, RESULT_KINDS } from '../../src/protocols/results.ts';
import { newDisplayState, PLOTLY_MIME, tableHtml, toMimeBundle } from '../../src/display/mime.ts';
import { aqsShear } from '../../src/protocols/aqs.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { ipl2dGlass } from './shear-fixtures.ts';
import { trackInherentStructures } from '../../src/protocols/inherent-structures.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { Box } from '../../src/system/box.ts';
import { predictivePower } from '../../src/analysis/plastic/predictive-power.ts';
import { isoconfigurationalEnsemble } from '../../src/protocols/isoconfigurational.ts';
import { lteByDynamics } from '../../src/protocols/lte-validation.ts';
import { quenchGlass } from '../../src/protocols/quench.ts';
import { artnCampaign } from '../../src/protocols/artn-campaign.ts';
import { muellerBrownForces, muellerBrownSystem, stationaryPoint } from '../protocols/artn-fixtures.ts';
import { getPotential, modelDefaults } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { localThermalEnergy } from '../../src/analysis/lte/lte.ts';
import { energyAnalysis } from '../../src/analysis/structure/energy.ts';
import { binnedCorrelation } from '../../src/analysis/statistics/binned.ts';
import { indicatorScores } from '../../src/analysis/statistics/roc.ts';
import { spatialAutocorrelation } from '../../src/analysis/statistics/spatial.ts';
import { slabMap } from '../../src/analysis/statistics/slab.ts';
import { voronoiTessellation } from '../../src/analysis/structure/voronoi.ts';
import { structuralDescriptors } from '../../src/analysis/descriptors/descriptors.ts';
import { arrheniusAnalysis, binsForValues, rearrangementStatistics } from '../../src/analysis/softness/statistics.ts';

/** Values in [0, 1) and rearrangement flags with probability exp(-(1 - x) / T) at each temperature. */
function rearrangements(temperatures: number[]) {
  const rnd = mulberry32(11);
  const x = Float64Array.from({ length: 4000 }, () => rnd());
  const binning = binsForValues(x, 6);
  return temperatures.map((T) => rearrangementStatistics(x, Uint8Array.from(x, (v) => (rnd() < Math.exp(-(1 - v) / T) ? 1 : 0)), { binning }));
}
import { latticeSystem } from '../md/fixtures.ts';
import { mulberry32 } from '../support/random.ts';
import { randomWalk } from './dynamics-fixtures.ts';
import { ipl, iplGlass } from './lte-fixtures.ts';
import { KA } from './structure.fixtures.ts';

async function vdosFixture(): Promise<AnalysisResult> {
  const n = 6, F = 64, rnd = mulberry32(2);
  const omega = Array.from({ length: n }, () => 2 + 10 * rnd());
  const velocities = Array.from({ length: F }, (_, t) => Float64Array.from({ length: 3 * n }, (_, p) => Math.cos(omega[Math.floor(p / 3)] * t * 0.05 + p)));
  const vdos = await vdosFromVelocities(velocities, { ids: [6, 5, 4, 3, 2, 1].reverse(), types: [1, 1, 1, 2, 2, 2] }, { frameDt: 0.05, bands: [[0, 6]] });
  return makeVdosAnalysis({ vdos, scale: 'none', softness: vdos.softness, firstFrame: { dim: 3, positions: Float64Array.from({ length: 3 * n }, () => 4 * rnd()) } });
}

const liquid = () => [3, 4].map((seed) => latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed }));

/** Every kind of result, by the factory a command or a notebook calls. */
const FACTORIES: Record<string, () => AnalysisResult | Promise<AnalysisResult>> = {
  vdos: vdosFixture,
  'phop-values': () => computePhop(randomWalk({ n: 20, frames: 30, step: 0.1, seed: 3 }), { window: 0.5 }),
  'local-rdf': () => localRdf(liquid()[0], 17, { delta: 0.09, dr: 0.05, rMax: 2.4 }),
  'self-dynamics': () => selfDynamics(randomWalk({ n: 20, frames: 30, step: 0.1, seed: 3 })),
  phop: () => phopAnalysis(randomWalk({ n: 20, frames: 30, step: 0.1, seed: 3 }), { window: 0.5, pc: 0.01 }),
  'caging-softness': () => {
    const frames = liquid();
    frames[1].types.set(frames[0].types);
    return cagingSoftnessAnalysis(frames, KA, { temperature: 0.8, calibration: { c0: 216, c1: -14 }, meanField: true, qMax: 12 });
  },
  'local-softness': async () => {
    const frames = liquid();
    frames[1].types.set(frames[0].types);
    return (await cagingSoftnessAnalysis(frames, KA, { temperature: 0.8, calibration: { c0: 216, c1: -14 } })).softness!;
  },
  'rearrangement-statistics': () => rearrangements([0.5])[0],
  arrhenius: () => arrheniusAnalysis([0.4, 0.5, 0.6], rearrangements([0.4, 0.5, 0.6])),
  lte: () => lteAnalysis(iplGlass('ipl2d', 64, 5), ipl('ipl2d'), { field: true }),
  energy: () => energyAnalysis(iplGlass('ipl2d', 64, 5), ipl('ipl2d')),
  'indicator-scores': () => {
    const rnd = mulberry32(8);
    const y = Array.from({ length: 60 }, () => rnd() < 0.3);
    return indicatorScores({ a: y.map((t) => Number(t) + rnd()), b: y.map(() => Math.floor(4 * rnd())) }, y, { targetName: 'rearrangers' });
  },
  'binned-correlation': () => {
    const rnd = mulberry32(4), x = Float64Array.from({ length: 300 }, () => rnd());
    return binnedCorrelation(x, Float64Array.from(x, (v) => v + rnd()), { binSize: 50, xName: 'vmsd', yName: 'barrier' });
  },
  'spatial-autocorrelation': () => {
    const sys = liquid()[0];
    return spatialAutocorrelation(sys, Float64Array.from({ length: sys.n }, (_, i) => Math.cos(sys.positions[3 * i])), { rMax: 2, dr: 0.25, reference: 0.9 });
  },
  'slab-map': () => {
    const sys = liquid()[0];
    return slabMap(sys, Float64Array.from({ length: sys.n }, (_, i) => Math.cos(sys.positions[3 * i])), { axis: 'z', thickness: 1, smoothing: 0.4, fieldName: 'dQ', units: 'eps' });
  },
  voronoi: () => voronoiTessellation(latticeSystem(3, 3, 1.2, { basis: 'bcc', jiggle: 0.1, fracA: 0.8, seed: 2 }), { radii: [0.5, 0.44] }),
  descriptors: () => {
    const is = latticeSystem(3, 3, 1.2, { basis: 'bcc', jiggle: 0.1, fracA: 0.8, seed: 2 }), rnd = mulberry32(5);
    const frames = [0, 1, 2].map(() => {
      const f = cloneSystem(is);
      for (let k = 0; k < f.positions.length; k++) f.positions[k] += 0.05 * (rnd() - 0.5);
      return f;
    });
    return structuralDescriptors(is, frames, { s2: (s) => Float64Array.from({ length: s.n }, (_, i) => -3 - Math.cos(s.positions[3 * i])) });
  },
  modes: () => normalModeAnalysis(iplGlass('ipl2d', 64, 5), ipl('ipl2d'), { count: 8 }),
  rdf: () => partialRdf(liquid(), { dr: 0.05 }),
  'structure-factor': () => structureFactorFromRdf(partialRdf(liquid(), { dr: 0.05 }), { qMax: 10, dq: 0.5 }),
  'inherent-structures': () => {
    const glass = iplGlass('ipl2d', 64, 5), shaken = cloneSystem(glass), rnd = mulberry32(7);
    for (let k = 0; k < shaken.positions.length; k++) shaken.positions[k] += 0.05 * (rnd() - 0.5);
    return trackInherentStructures([glass, shaken], createForceProvider(ipl('ipl2d')), { ftol: 1e-8, keepStructures: true });
  },
  isoconfigurational: () => isoconfigurationalEnsemble(iplGlass('ipl2d', 64, 5), createForceProvider(ipl('ipl2d')), { runs: 2, temperature: 0.3, dt: 0.005, steps: [5, 10], dNN: 0.05, seed: 1 }),
  'lte-dynamics': () => {
    const sys = iplGlass('ipl2d', 24, 11), pot = ipl('ipl2d');
    return lteByDynamics(sys, pot, localThermalEnergy(sys, pot), { temperatures: [0.002], bonds: [0, 1], steps: 20, runs: 2, seed: 3 });
  },
  'predictive-power': () => predictivePower([0, 1, 2].map((k) => ({
    box: Box.cube(2, 10), spotPositions: [1, 1, 5, 5, 8, 2], spotDeltaEpsilon: [1, 1.5, 3], eventPositions: [1 + k, 1, 5, 5 - k],
  })), { orders: [1, 2], grid: [1, 1.5, 2, 3] }),
  quench: () => {
    // a Cu50Zr50 of 256 atoms, 0.1 ps at 2000 K, 10^16 K/s (150 steps), 100 minimiser iterations: the shape, not the physics
    const pot = getPotential('cuzr'), d = modelDefaults.cuzr;
    const sys = randomConfiguration({ n: 256, density: d.numberDensity, dim: 3, composition: d.composition, typeMasses: pot.typeMasses, seed: 2 });
    return quenchGlass(sys, createForceProvider(pot, { skin: 0.5 }), { rate: 10000, equilibrateTime: 0.1, sampleEvery: 20, maxIter: 100 });
  },
  artn: () => {
    const m = stationaryPoint(-0.05, 0.467); // a Mueller-Brown minimum, three searches
    return artnCampaign(muellerBrownSystem(m.x, m.y), muellerBrownForces, {
      eventsPerAtom: 3, clusterRadius: 0, initStepSize: 0.01, incrementSize: 0.02, eigenThWell: -1, forceThSaddle: 1e-6, minNumKsteps: 0,
      minEigenStep: 1, maxParallelStep: 0.05, perpStepInit: 1e-3, maxPerpMove: 0.02, pushOverSaddle: 0.05, minimizeFtol: 1e-6, sameTol: 0.02,
    });
  },
  aqs: () => aqsShear(ipl2dGlass(64, 3), createForceProvider(ipl('ipl2d')), { strainStep: 1e-3, maxEvents: 1, maxStrain: 0.05 }),
};

describe('the result protocol', () => {
  it('has a factory here for every kind that loadResult rebuilds', () => {
    expect(Object.keys(FACTORIES).sort()).toEqual([...RESULT_KINDS].sort());
  });

  for (const [kind, make] of Object.entries(FACTORIES)) {
    it(`${kind}: summary, table, figure, and a JSON round trip`, async () => {
      const r = await make();
      expect(isAnalysisResult(r)).toBe(true);
      expect(r.kind).toBe(kind);
      const summary = r.summary();
      expect(summary.split('\n')[0].trim()).not.toBe('');
      const table = r.table();
      expect(table.columns.length).toBeGreaterThan(0);
      expect(tableProblems(table)).toEqual([]);
      expect(isFigureResult(r.figure())).toBe(true);

      const again = loadResult(JSON.parse(JSON.stringify(r)));
      expect(again.kind).toBe(kind);
      expect(again.summary()).toBe(summary);
      expect(again.table()).toEqual(table);
      expect(JSON.parse(JSON.stringify(again.figure()))).toEqual(JSON.parse(JSON.stringify(r.figure())));
      expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(r))); // and saves the same again

      // displayed as a cell's value: summary, every figure and the table (folded)
      const b = toMimeBundle(r, newDisplayState());
      expect(b['text/plain']).toBe(summary);
      const html = b['text/html'] as string;
      const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      expect(html.startsWith(`<pre class="glasslab-summary">${esc(summary)}</pre>`)).toBe(true);
      const figs = [r.figure()].flat();
      expect(html.match(/class="glasslab-plot plotly-graph-div"/g)).toHaveLength(figs.length);
      expect(b[PLOTLY_MIME]).toEqual(JSON.parse(JSON.stringify({ data: figs[0].data, layout: figs[0].layout })));
      expect(html).toContain('<details class="glasslab-result-table">');
      expect(html).toContain(tableHtml(table));
    }, 60000);
  }
});

describe('result JSON', () => {
  it('keeps typed arrays, NaN and infinities, which JSON.stringify alone would turn into objects and null', () => {
    const data = { a: Float64Array.of(1, NaN, -Infinity), i: Int32Array.of(3, -4), x: NaN, nested: [{ y: Infinity }], s: 'text' };
    const back = resultData<typeof data>(JSON.parse(JSON.stringify(resultJSON('k', 1, data))), 'k', 1);
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1, NaN, -Infinity]);
    expect(back.i).toBeInstanceOf(Int32Array);
    expect(back).toEqual(data);
  });

  it('names the problem with a saved result', () => {
    expect(() => loadResult({ version: 1 })).toThrow(/not a saved result/);
    expect(() => loadResult({ kind: 'tea', version: 1, data: {} })).toThrow(/unknown result kind 'tea' \(known: vdos, /);
    expect(() => resultData({ kind: 'vdos', version: 9, data: {} }, 'vdos', 1)).toThrow(/version 9; this glasslab reads version 1/);
    expect(loadResult(JSON.stringify(partialRdf(liquid(), { dr: 0.1 }))).kind).toBe('rdf');
  });
});
