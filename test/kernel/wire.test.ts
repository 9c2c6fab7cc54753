import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyIopubMessage, toNbformat, type NotebookOutput } from '../../kernel/protocol/outputs.ts';
import { decodeMessage, DigestHistory, encodeMessage, newHeader, type Message } from '../../kernel/protocol/wire.ts';

describe('Jupyter wire format', () => {
  const key = 'secret-key';
  const header = newHeader('execute_request', 'session-1');

  it('signs the four JSON frames with HMAC-SHA256 and round-trips', () => {
    const frames = encodeMessage(key, { identities: [Buffer.from('id')], header, parent_header: {}, metadata: {}, content: { code: '1+1' } });
    expect(frames[0].toString()).toBe('id');
    expect(frames[1].toString()).toBe('<IDS|MSG>');
    const h = createHmac('sha256', key);
    for (const f of frames.slice(3, 7)) h.update(f);
    expect(frames[2].toString()).toBe(h.digest('hex'));
    const m = decodeMessage(key, frames);
    expect(m.header).toEqual(header);
    expect(m.content).toEqual({ code: '1+1' });
    expect(m.identities.map(String)).toEqual(['id']);
  });

  it('rejects a tampered message and a missing delimiter', () => {
    const frames = encodeMessage(key, { header, parent_header: {}, metadata: {}, content: { code: '1+1' } });
    frames[5] = Buffer.from('{"code":"rm -rf"}');
    expect(() => decodeMessage(key, frames)).toThrow(/invalid HMAC signature/);
    expect(() => decodeMessage(key, [Buffer.from('x')])).toThrow(/without the <IDS\|MSG> delimiter/);
  });
});

describe('replayed messages (digest history)', () => {
  const key = 'secret-key';

  it('refuses a signature seen before, and records only verified ones', () => {
    const history = new DigestHistory();
    const frames = encodeMessage(key, { header: newHeader('execute_request', 's'), parent_header: {}, metadata: {}, content: { code: '1' } });
    expect(decodeMessage(key, frames, history).content).toEqual({ code: '1' });
    expect(() => decodeMessage(key, frames, history)).toThrow(/duplicate signature .*a replayed message; msg_id in its header: [0-9a-f-]{36}/);
    // the same content in a new message (new msg_id and date) is a new signature
    const again = encodeMessage(key, { header: newHeader('execute_request', 's'), parent_header: {}, metadata: {}, content: { code: '1' } });
    expect(decodeMessage(key, again, history).content).toEqual({ code: '1' });
    // a forged message does not enter the history
    const forged = [...frames];
    forged[4] = Buffer.from('{"forged":1}');
    expect(() => decodeMessage(key, forged, history)).toThrow(/invalid HMAC/);
    expect(history.size).toBe(2);
    // without a history (the client reading iopub) nothing is remembered
    expect(decodeMessage(key, frames).content).toEqual({ code: '1' });
  });

  it('stays bounded: past maxSize the oldest tenth is dropped', () => {
    const h = new DigestHistory(100);
    for (let i = 0; i < 100; i++) h.add(`d${i}`);
    expect(h.size).toBe(100);
    h.add('d100');
    expect(h.size).toBe(91);
    expect(h.has('d0')).toBe(false);
    expect(h.has('d9')).toBe(false);
    expect(h.has('d10')).toBe(true);
    expect(h.has('d100')).toBe(true);
    for (let i = 101; i < 10_000; i++) h.add(`d${i}`);
    expect(h.size).toBeLessThanOrEqual(100);
    expect(h.has('d9999')).toBe(true);
    expect(() => new DigestHistory(0)).toThrow(/maxSize must be at least 1/);
  });
});

describe('iopub messages -> nbformat outputs', () => {
  const msg = (type: string, content: Record<string, unknown>): Message =>
    ({ identities: [], header: newHeader(type, 's'), parent_header: {}, metadata: {}, content, buffers: [] });

  it('merges streams, replaces displays by display_id, keeps results and errors', () => {
    const out: NotebookOutput[] = [];
    applyIopubMessage(out, msg('stream', { name: 'stdout', text: 'a' }));
    applyIopubMessage(out, msg('stream', { name: 'stdout', text: 'b\n' }));
    applyIopubMessage(out, msg('display_data', { data: { 'text/plain': '0%' }, metadata: {}, transient: { display_id: 'p' } }));
    applyIopubMessage(out, msg('stream', { name: 'stderr', text: 'warn\n' }));
    applyIopubMessage(out, msg('update_display_data', { data: { 'text/plain': '100%' }, metadata: {}, transient: { display_id: 'p' } }));
    applyIopubMessage(out, msg('execute_result', { data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 }));
    applyIopubMessage(out, msg('error', { ename: 'E', evalue: 'v', traceback: ['E: v'] }));
    applyIopubMessage(out, msg('status', { execution_state: 'idle' }));
    expect(toNbformat(out)).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'ab\n' },
      { output_type: 'display_data', data: { 'text/plain': '100%' }, metadata: {} },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
      { output_type: 'execute_result', data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 },
      { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['E: v'] },
    ]);
    applyIopubMessage(out, msg('clear_output', { wait: false }));
    expect(out).toEqual([]);
  });
});
