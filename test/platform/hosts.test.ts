/**
 * The two host implementations of src/platform side by side, where Node can
 * run them: in-memory files (read before the disk in Node, the only files in
 * a browser), a URL found by its file name, paths, the settable environment,
 * yields, scratch files and the atomic write of both hosts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platform as browser } from '../../src/platform/browser.ts';
import { joinPosix, normalisePath } from '../../src/platform/memory-files.ts';
import { platform as node } from '../../src/platform/node.ts';
import { platform } from '../../src/platform/index.ts';

describe('platform hosts', () => {
  afterEach(() => { for (const p of ['/pot/Cu.eam.alloy', '/wasm/force-kernels.wasm', '/out/a.ckpt']) node.removeFile(p); });

  it('Node is the host under vitest; the browser host is importable without a browser', () => {
    expect(platform.name).toBe('node');
    expect(browser.name).toBe('browser');
    expect(browser.cpuCount()).toBeGreaterThanOrEqual(1);
  });

  it('normalises POSIX paths', () => {
    expect(normalisePath('a/./b/../c/')).toBe('/a/c');
    expect(normalisePath('/../x')).toBe('/x');
    expect(joinPosix('/usr/share', 'lammps', '../x.fs')).toBe('/usr/share/x.fs');
    expect(joinPosix('rel', 'a')).toBe('rel/a');
    expect(browser.joinPath('/p', 'CuZr_mm.eam.fs')).toBe('/p/CuZr_mm.eam.fs');
  });

  it('in-memory files: text, bytes, folders, a URL by its file name; absent files say how to put them', () => {
    browser.putFile('pot/Cu.eam.alloy', 'line 1\n');
    expect(browser.readText('/pot/Cu.eam.alloy')).toBe('line 1\n');
    expect(browser.isFile('/pot/./Cu.eam.alloy')).toBe(true);
    expect(browser.isDirectory('/pot')).toBe(true);
    expect(browser.isDirectory('/po')).toBe(false);
    expect(browser.isFile('/pot')).toBe(false);
    const bytes = new Uint8Array([0, 97, 115, 109]);
    browser.putFile('/wasm/force-kernels.wasm', bytes);
    // a bundle's neighbour: new URL('./force-kernels.wasm', import.meta.url) of a page's bundle
    expect(browser.readBytes(new URL('http://127.0.0.1:8000/assets/force-kernels.wasm'))).toBe(bytes);
    expect(() => browser.readBytes('/nope.dump')).toThrow(/file not found: \/nope.dump .*putFile/);
    expect(() => browser.readBytes(new URL('http://127.0.0.1/x/nope.wasm'))).toThrow(/putFile/);
    // Node reads the same in-memory files before the disk
    expect(node.readText('/pot/Cu.eam.alloy')).toBe('line 1\n');
    expect(node.isFile('/pot/Cu.eam.alloy')).toBe(true);
    expect(browser.removeFile('/pot/Cu.eam.alloy')).toBe(true);
    expect(browser.isFile('/pot/Cu.eam.alloy')).toBe(false);
  });

  it('the browser environment is a map the host sets', () => {
    expect(browser.envVar('LAMMPS_POTENTIALS')).toBeUndefined();
    browser.setEnvVar('LAMMPS_POTENTIALS', '/pot');
    expect(browser.envVar('LAMMPS_POTENTIALS')).toBe('/pot');
    expect(browser.environment()).toEqual({ LAMMPS_POTENTIALS: '/pot' });
    browser.setEnvVar('LAMMPS_POTENTIALS', undefined);
    expect(browser.environment()).toEqual({});
  });

  it('yields to the event loop (an I/O message gets in), and a main thread has no worker input', async () => {
    const { port1, port2 } = new MessageChannel();
    let got = false;
    port1.onmessage = () => { got = true; port1.close(); };
    port2.postMessage(1);
    for (let k = 0; k < 10 && !got; k++) await browser.yieldToHost();
    expect(got).toBe(true);
    await node.yieldToHost();
    expect(await browser.workerInput()).toEqual({ data: undefined, port: null });
    expect((await node.workerInput()).port).toBeNull();
  });

  it('scratch files: positional writes and reads, short at the end, deleted on close (Node: a temporary folder; browser: memory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-scratch-test-'));
    try {
      for (const host of [node, browser]) {
        const f = await host.scratchFile('glasslab-t-', dir);
        await f.write(new Uint8Array([1, 2, 3]), 70_000); // past the browser buffer's first size
        await f.write(new Uint8Array([9]), 0);
        const got = new Uint8Array(4);
        expect(await f.read(got, 69_999)).toBe(4);
        expect([...got]).toEqual([0, 1, 2, 3]);
        expect(await f.read(got, 70_001)).toBe(2);
        const head = new Uint8Array(1);
        await f.read(head, 0);
        expect(head[0]).toBe(9);
        if (host === node) expect(readdirSync(dir)).toHaveLength(1);
        await f.close();
        await f.close();
        expect(readdirSync(dir)).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes atomically: Node renames a complete temporary file over the target, a browser keeps a copy in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-platform-'));
    try {
      const path = join(dir, 'a.ckpt');
      node.writeFileAtomic(path, new Uint8Array([1, 2, 3]));
      node.writeFileAtomic(path, new Uint8Array([4, 5]));
      expect([...readFileSync(path)]).toEqual([4, 5]);
      expect(readdirSync(dir)).toEqual(['a.ckpt']);
      expect(() => node.writeFileAtomic(join(dir, 'no', 'such', 'x'), new Uint8Array(1))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const b = new Uint8Array([7]);
    browser.writeFileAtomic('/out/a.ckpt', b);
    b[0] = 8;
    expect([...browser.readBytes('/out/a.ckpt')]).toEqual([7]);
  });
});
