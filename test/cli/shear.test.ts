/**
 * `glasslab shear` through the CLI front end on a small ipl2d glass: the
 * events CSV has the documented columns and equals the API run
 * (aqsShear) on the same input; the stress-strain CSV lists every step with
 * the event marked; the returned value carries the figure; usage mistakes
 * are refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { readSystem, writeLammpsData } from '../../src/io/index.ts';
import { aqsShear, type AqsResult } from '../../src/protocols/aqs.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { ipl2dGlass } from '../analysis/shear-fixtures.ts';

let dir: string;
let api: AqsResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-shear-'));
  await writeLammpsData(join(dir, 'glass.data'), ipl2dGlass(64, 3));
  const glass = await readSystem(join(dir, 'glass.data'), { dim: 2 });
  api = aqsShear(glass, createForceProvider(getPotential('ipl2d')), { strainStep: 1e-3, maxEvents: 1, maxStrain: 1 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
const csv = (name: string) => {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
};

describe('glasslab shear', () => {
  it('writes the events and the stress-strain curve', async () => {
    const r = await cli('shear', 'glass.data', '--model', 'ipl2d', '--strain-step', '1e-3', '--max-events', '1', '--out', 'events.csv', '--stress-strain', 'curve.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/events 1/);
    const ev = csv('events.csv');
    expect(ev.header).toBe('event,strain,stress_before,stress_after,energy_drop,x,y,atom_id');
    expect(ev.rows).toHaveLength(1);
    const e = api.events[0];
    expect(ev.rows[0]).toEqual([1, e.strainAfter, e.stressBefore, e.stressAfter, e.energyDrop, e.position[0], e.position[1], e.atomId]);
    expect(ev.rows[0][2]).toBeGreaterThan(ev.rows[0][3]);

    const curve = csv('curve.csv');
    expect(curve.header).toBe('step,strain,stress,energy,event');
    expect(curve.rows).toHaveLength(api.steps.length);
    curve.rows.forEach(([step, strain, stress, energy, event], k) => {
      expect(step).toBe(k);
      expect(strain).toBe(api.steps[k].strain);
      expect(stress).toBe(api.steps[k].stress);
      expect(energy).toBe(api.steps[k].energy);
      expect(event).toBe(k === e.step ? 1 : 0);
    });
  });

  it('returns the AQS result with the stress-strain figure (the magic value)', async () => {
    const cmd = createRegistry().get('shear');
    expect(cmd).toBeDefined();
    const value = await cmd!.run(
      { file: 'glass.data', model: 'ipl2d', strainStep: 1e-3, maxEvents: 1, maxStrain: 1, ftol: 1e-10, reversibilityCheck: true, solver: 'chord', out: 'e2.csv' } as never,
      { progress: () => ({ update() {}, finish() {} }), print() {}, note() {}, signal: new AbortController().signal, cwd: dir },
    ) as AqsResult;
    expect(value.kind).toBe('aqs');
    expect(value.events).toHaveLength(1);
    expect(value.figure().data).toHaveLength(2);
    expect(value.table().rows).toHaveLength(1);
    expect(value.summary()).toMatch(/^events 1$/m);
  });

  it('refuses usage mistakes', async () => {
    let r = await cli('shear', 'glass.data', '--model', 'ipl2d', '--out', 'a.csv', '--stress-strain', 'a.csv');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/same file/);
    r = await cli('shear', 'glass.data', '--model', 'ipl2d', '--out', 'glass.data');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/is the input file/);
    r = await cli('shear', 'glass.data', '--model', 'ipl2d', '--strain-step', '0.5', '--max-strain', '0.1', '--out', 'b.csv');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--strain-step/);
  });
});
