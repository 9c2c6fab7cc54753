/**
 * The Jupyter messaging wire format (protocol 5.3), client and kernel side.
 *
 * A message on a ZeroMQ socket is the frame list
 *   [identities..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]
 * where hmac is HMAC-SHA256 (hex) over the four JSON frames with the key from
 * the connection file.
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const PROTOCOL_VERSION = '5.3';
const DELIM = Buffer.from('<IDS|MSG>');

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, any>> {
  identities: Buffer[];
  header: MessageHeader;
  /** `{}` when there is no parent */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Contents of a Jupyter connection file. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name?: string;
}

export function newHeader(msgType: string, session: string, username = 'glasslab'): MessageHeader {
  return { msg_id: randomUUID(), session, username, date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === '') return '';
  const h = createHmac('sha256', key);
  for (const f of frames) h.update(f);
  return h.digest('hex');
}

/** Frames for `msg`, signed with `key`. */
export function encodeMessage(key: string, msg: Omit<Message, 'buffers' | 'identities'> & { identities?: Buffer[]; buffers?: Buffer[] }): Buffer[] {
  const bodies = [msg.header, msg.parent_header, msg.metadata, msg.content].map((o) => Buffer.from(JSON.stringify(o)));
  return [...(msg.identities ?? []), DELIM, Buffer.from(sign(key, bodies)), ...bodies, ...(msg.buffers ?? [])];
}

/**
 * Signatures of the messages received so far, to refuse a replayed message
 * (the same signed frames sent again), as jupyter_client's Session does with
 * its digest_history. Bounded: past `maxSize` entries the oldest tenth is
 * dropped (jupyter_client drops a random tenth; the oldest are the least
 * likely to be replayed soon, and the order makes it testable).
 */
export class DigestHistory {
  private readonly seen = new Set<string>();

  /** jupyter_client's default digest_history_size */
  constructor(readonly maxSize = 65536) {
    if (!(maxSize >= 1)) throw new Error(`DigestHistory: maxSize must be at least 1 (got ${maxSize})`);
  }

  get size(): number {
    return this.seen.size;
  }

  has(digest: string): boolean {
    return this.seen.has(digest);
  }

  /** Record `digest`; culls the oldest tenth once more than maxSize are held. */
  add(digest: string): void {
    this.seen.add(digest);
    if (this.seen.size <= this.maxSize) return;
    let cull = Math.max(Math.floor(this.seen.size / 10), this.seen.size - this.maxSize);
    for (const d of this.seen) {
      if (cull-- <= 0) break;
      this.seen.delete(d);
    }
  }
}

function headerMsgId(frame: Buffer): string {
  try {
    return String((JSON.parse(frame.toString('utf8')) as { msg_id?: unknown }).msg_id ?? '?');
  } catch {
    return '?';
  }
}

/**
 * Parse and verify a frame list; throws on a missing delimiter or a bad
 * signature, and, given a `history`, on a signature seen before (a replay).
 * Only a verified signature enters the history.
 */
export function decodeMessage(key: string, frames: readonly Buffer[], history?: DigestHistory): Message {
  const d = frames.findIndex((f) => f.equals(DELIM));
  if (d < 0) throw new Error('Jupyter message without the <IDS|MSG> delimiter');
  const [hmac, ...rest] = frames.slice(d + 1);
  const bodies = rest.slice(0, 4);
  if (bodies.length < 4) throw new Error(`Jupyter message with ${bodies.length} of 4 JSON frames`);
  const want = Buffer.from(sign(key, bodies));
  if (key !== '' && (want.length !== hmac.length || !timingSafeEqual(want, hmac))) {
    throw new Error('Jupyter message with an invalid HMAC signature (wrong key in the connection file?)');
  }
  if (history && key !== '') {
    const digest = hmac.toString('latin1');
    if (history.has(digest)) throw new Error(`Jupyter message with a duplicate signature ${digest.slice(0, 16)}... (a replayed message; msg_id in its header: ${headerMsgId(bodies[0])})`);
    history.add(digest);
  }
  const [header, parent_header, metadata, content] = bodies.map((b) => JSON.parse(b.toString('utf8')));
  return { identities: frames.slice(0, d) as Buffer[], header, parent_header, metadata, content, buffers: rest.slice(4) };
}
