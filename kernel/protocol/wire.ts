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

/** Parse and verify a frame list; throws on a missing delimiter or a bad signature. */
export function decodeMessage(key: string, frames: readonly Buffer[]): Message {
  const d = frames.findIndex((f) => f.equals(DELIM));
  if (d < 0) throw new Error('Jupyter message without the <IDS|MSG> delimiter');
  const [hmac, ...rest] = frames.slice(d + 1);
  const bodies = rest.slice(0, 4);
  if (bodies.length < 4) throw new Error(`Jupyter message with ${bodies.length} of 4 JSON frames`);
  const want = Buffer.from(sign(key, bodies));
  if (key !== '' && (want.length !== hmac.length || !timingSafeEqual(want, hmac))) {
    throw new Error('Jupyter message with an invalid HMAC signature (wrong key in the connection file?)');
  }
  const [header, parent_header, metadata, content] = bodies.map((b) => JSON.parse(b.toString('utf8')));
  return { identities: frames.slice(0, d) as Buffer[], header, parent_header, metadata, content, buffers: rest.slice(4) };
}
