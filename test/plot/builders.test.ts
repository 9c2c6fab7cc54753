import { describe, expect, it } from 'vitest';
import { dashTraces, heatmapPanels, lineFigure, positivePoints, stackedFigure, verticalLine } from '../../src/plot/figure.ts';
import { view } from '../../src/plot/view.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';

describe('figure builders for notebook panels', () => {
  it('stackedFigure puts several series per panel on one shared x axis', () => {
    const f = stackedFigure([0, 1, 2], [
      { yTitle: 'd / d_NN', series: [{ name: 'a', y: [1, 2, 3] }, { name: 'b', y: [0, 1, 0] }] },
      { yTitle: 'E [eps]', series: [{ name: 'a', y: [-1, -2, -3] }] },
    ], { xTitle: 't [tau]', title: 'Fig. 3(c)' });
    expect(f.data.map((t) => t.yaxis)).toEqual(['y', 'y', 'y2']);
    expect(f.layout.showlegend).toBe(true);
    expect(f.layout.xaxis).toMatchObject({ anchor: 'y2', title: { text: 't [tau]' } });
    expect(() => stackedFigure([0, 1], [{ yTitle: 'y', series: [{ name: 's', y: [1] }] }])).toThrow(/series 's' has 1 values for 2 x values/);
  });

  it('positivePoints keeps what a log axis can draw', () => {
    expect(positivePoints([1, 2, 3, 4], [1, 0, NaN, 5])).toEqual({ x: [1, 4], y: [1, 5] });
  });

  it('dashTraces and verticalLine mark a figure (log x: annotation at log10 x)', () => {
    const f = lineFigure([{ name: 'MD', x: [1, 10], y: [1, 2] }, { name: 'DM', x: [1, 10], y: [1, 3] }], { logX: true });
    dashTraces(f, ['DM']);
    expect(f.data[0].line).toBeUndefined();
    expect(f.data[1].line).toEqual({ dash: 'dash' });
    verticalLine(f, 100, 'omega_BP');
    expect(f.layout.shapes).toEqual([expect.objectContaining({ x0: 100, x1: 100, yref: 'paper' })]);
    expect((f.layout.annotations as { x: number }[])[0].x).toBeCloseTo(2, 14);
  });

  it('heatmapPanels draws square panels on one colour scale with one colour bar', () => {
    const f = heatmapPanels([{ name: 'soft', z: [[0, 1], [1, 0]] }, { name: 'peak', z: [[0, 0.2], [0.2, 0]] }], { zmin: 0, zmax: 0.4 });
    expect(f.data.map((t) => [t.xaxis, t.yaxis, t.showscale, t.zmax])).toEqual([['x', 'y', false, 0.4], ['x2', 'y2', true, 0.4]]);
    expect(f.layout.yaxis2).toMatchObject({ scaleanchor: 'x2', autorange: 'reversed' });
  });
});

describe('view: 3D scatter of a configuration', () => {
  const sys = randomConfiguration({ n: 200, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 3 });
  const field = Float64Array.from({ length: sys.n }, (_, i) => i / 10);

  it('colours by the field with a colour bar in units, sizes by type, hovers id/type/value, draws the box', () => {
    const f = view(sys, { color: field, field: 'S', units: 'sigma^2' });
    const atoms = f.data[0] as Record<string, any>;
    expect(atoms.type).toBe('scatter3d');
    expect(atoms.x).toHaveLength(sys.n);
    expect(atoms.marker.colorbar.title.text).toBe('S [sigma^2]');
    expect(atoms.marker.cmin).toBe(0);
    expect(atoms.marker.cmax).toBeCloseTo((sys.n - 1) / 10, 12);
    const i = Array.from(sys.types).indexOf(2);
    expect(atoms.marker.size[i]).toBeGreaterThan(atoms.marker.size[Array.from(sys.types).indexOf(1)]);
    expect(atoms.text[i]).toBe(`id ${sys.ids[i]}<br>type 2<br>S ${Number((i / 10).toPrecision(4))} sigma^2`);
    expect(f.data[1]).toMatchObject({ type: 'scatter3d', mode: 'lines', name: 'box' });
    expect((f.data[1].x as number[]).filter(Number.isFinite)).toHaveLength(24);
    expect(f.layout.scene).toMatchObject({ aspectmode: 'data' });
    expect(JSON.parse(JSON.stringify(f)).data[0].x).toHaveLength(sys.n);
  });

  it('wraps unwrapped coordinates into the box, unless told not to', () => {
    const moved = { ...sys, positions: Float64Array.from(sys.positions, (x, k) => x + (k % 3 === 0 ? 3 * sys.box.lengths[0] : 0)) };
    const f = view(moved, {});
    (f.data[0].x as number[]).forEach((x, i) => expect(x).toBeCloseTo(sys.positions[3 * i], 9));
    expect((view(moved, { wrap: false }).data[0].x as number[])[0]).toBeCloseTo(sys.positions[0] + 3 * sys.box.lengths[0], 12);
    expect((f.data[0].marker as { colorscale: string; reversescale?: boolean })).toMatchObject({ colorscale: 'RdBu' });
    expect((f.data[0].marker as { reversescale?: boolean }).reversescale).toBeUndefined(); // Plotly's RdBu: low blue, high red
  });

  it('keeps a slab and fixed sizes; refuses a field of the wrong length', () => {
    const c = sys.box.lo[2] + sys.box.lengths[2] / 2;
    const f = view(sys, { color: field, slab: { axis: 'z', center: c, thickness: 2 }, size: 4 });
    const z = f.data[0].z as number[];
    let want = 0;
    for (let k = 0; k < sys.n; k++) if (Math.abs(sys.positions[3 * k + 2] - c) < 1) want++;
    expect(z).toHaveLength(want);
    expect(want).toBeLessThan(sys.n);
    expect(z.every((v) => Math.abs(v - c) < 1)).toBe(true);
    expect(new Set((f.data[0].marker as { size: number[] }).size)).toEqual(new Set([4]));
    expect(() => view(sys, { color: [1, 2, 3] })).toThrow(/color has 3 values for 200 atoms/);
    expect(() => view(sys, { slab: { thickness: 0 } })).toThrow(/thickness must be positive/);
  });
});
