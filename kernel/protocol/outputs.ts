/**
 * nbformat 4 outputs built from iopub messages, the way nbclient does it:
 * consecutive stream text of the same name is merged, update_display_data
 * replaces every output that carries the same display_id, clear_output
 * empties the list.
 */
import type { Message } from './wire.ts';

export type MimeBundle = Record<string, unknown>;

export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown>; /** not saved */ display_id?: string }
  | { output_type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export function applyIopubMessage(outputs: NotebookOutput[], m: Message): void {
  const c = m.content;
  switch (m.header.msg_type) {
    case 'stream': {
      const last = outputs[outputs.length - 1];
      if (last?.output_type === 'stream' && last.name === c.name) last.text += c.text;
      else outputs.push({ output_type: 'stream', name: c.name, text: c.text });
      break;
    }
    case 'display_data':
      outputs.push({ output_type: 'display_data', data: c.data, metadata: c.metadata ?? {}, display_id: c.transient?.display_id });
      break;
    case 'update_display_data':
      for (const o of outputs) {
        if (o.output_type === 'display_data' && o.display_id !== undefined && o.display_id === c.transient?.display_id) {
          o.data = c.data;
          o.metadata = c.metadata ?? {};
        }
      }
      break;
    case 'execute_result':
      outputs.push({ output_type: 'execute_result', data: c.data, metadata: c.metadata ?? {}, execution_count: c.execution_count ?? null });
      break;
    case 'error':
      outputs.push({ output_type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
      break;
    case 'clear_output':
      outputs.length = 0;
      break;
  }
}

/** The outputs as saved in an .ipynb (display ids are transient, not saved). */
export function toNbformat(outputs: readonly NotebookOutput[]): Record<string, unknown>[] {
  return outputs.map((o) => {
    if (o.output_type === 'display_data') return { output_type: o.output_type, data: o.data, metadata: o.metadata };
    return { ...o };
  });
}
