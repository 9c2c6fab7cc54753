/**
 * Backend selection (src/core/backend.ts): the option wins over the
 * environment variable, which wins over the default 'webasm'; webgpu is
 * probed without crashing and either works or says why not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  availableBackends, probeBackend, resolveBackend, sharedGpu,
} from '../../src/core/backend.ts';

const saved = process.env.GLASSLAB_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.GLASSLAB_BACKEND;
  else process.env.GLASSLAB_BACKEND = saved;
});

describe('availableBackends', () => {
  it('reports every backend, cpu always available, a reason for each unavailable one', async () => {
    const probes = await availableBackends();
    expect(probes.map((p) => p.name)).toEqual(['webasm', 'cpu', 'webgpu']);
    expect(probes.find((p) => p.name === 'cpu')!.available).toBe(true);
    for (const p of probes) {
      if (!p.available) expect(p.reason).toMatch(/\w{10,}/);
      else expect(p.reason).toBeUndefined();
    }
    // cached: the same promise, not a second probe
    expect(probeBackend('webgpu')).toBe(probeBackend('webgpu'));
  });
});

describe('resolveBackend', () => {
  it('uses the option, then GLASSLAB_BACKEND, then webasm (or cpu when webasm is unavailable)', async () => {
    delete process.env.GLASSLAB_BACKEND;
    const webasm = (await probeBackend('webasm')).available;
    expect(await resolveBackend()).toBe(webasm ? 'webasm' : 'cpu');
    process.env.GLASSLAB_BACKEND = 'cpu';
    expect(await resolveBackend()).toBe('cpu');
    expect(await resolveBackend('webasm')).toBe(webasm ? 'webasm' : 'cpu');
    process.env.GLASSLAB_BACKEND = ' WebAsm ';
    expect(await resolveBackend()).toBe(webasm ? 'webasm' : 'cpu');
  });

  it('rejects unknown names, saying where the name came from', async () => {
    await expect(resolveBackend('cuda' as never)).rejects.toThrow(/resolveBackend\(requested\): unknown backend 'cuda'/);
    process.env.GLASSLAB_BACKEND = 'opencl';
    await expect(resolveBackend()).rejects.toThrow(/GLASSLAB_BACKEND: unknown backend 'opencl'/);
  });

  it('webgpu: used when an adapter answers; otherwise an error if explicit, a fallback under auto', async () => {
    const gpu = await probeBackend('webgpu');
    if (gpu.available) {
      expect(await resolveBackend('webgpu')).toBe('webgpu');
      expect(await resolveBackend('auto')).toBe('webgpu');
    } else {
      await expect(resolveBackend('webgpu')).rejects.toThrow(/'webgpu' was requested but is unavailable: .+/);
      const webasm = (await probeBackend('webasm')).available;
      expect(await resolveBackend('auto')).toBe(webasm ? 'webasm' : 'cpu');
    }
  });
});

describe('sharedGpu', () => {
  it('gives one gpu.js instance per backend, in the requested mode', () => {
    expect(sharedGpu('cpu')).toBe(sharedGpu('cpu'));
    expect(sharedGpu('cpu').mode).toBe('cpu');
    expect(sharedGpu('webasm')).not.toBe(sharedGpu('cpu'));
  });

});
