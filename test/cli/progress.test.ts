import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from '../../src/display/progress.ts';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('createProgress', () => {
  it('redraws in place on a TTY with fraction, rate and ETA', () => {
    let t = 0;
    const { chunks, stream } = fakeStream(true);
    const p = createProgress('md', 1000, { stream, now: () => t, unit: 'steps' });
    t = 2000;
    p.update(250);
    t = 2050; // within 100 ms: no redraw
    p.update(260);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].startsWith('\r')).toBe(true);
    expect(chunks[0]).toMatch(/25\.0% 250\/1000 steps, 125 steps\/s, elapsed 0:02, ETA 0:06/);
    t = 4000;
    p.finish();
    expect(chunks.at(-2)).toMatch(/26\.0%/);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('prints occasional plain lines when not a TTY', () => {
    let t = 0;
    const { chunks, stream } = fakeStream(false);
    const p = createProgress('minimize', 100, { stream, now: () => t, plainIntervalMs: 1000 });
    for (let i = 1; i <= 100; i++) {
      t = i * 100;
      p.update(i);
    }
    p.finish();
    // first update + one per second over 10 s + final line
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    expect(chunks.length).toBeLessThanOrEqual(12);
    for (const c of chunks) expect(c).toMatch(/^minimize: \d+\.\d% \(.*\)\n$/);
    expect(chunks.at(-1)).toMatch(/100\.0% \(100\/100 it/);
    expect(chunks.join('')).not.toMatch(/\r/);
  });

  it('is silent when quiet', () => {
    const { chunks, stream } = fakeStream(true);
    const p = createProgress('x', 10, { stream, quiet: true });
    p.update(5);
    p.finish();
    expect(chunks).toEqual([]);
  });
});

describe('formatDuration', () => {
  it('formats seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65.4)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('?');
  });
});
