/**
 * Interrupts a host can raise while the library computes: one Int32 in a
 * SharedArrayBuffer, which the long loops poll with `stopRequested` beside
 * their AbortSignal (MD steps, minimiser iterations, ARTn pushes, AQS
 * strain steps). A browser cannot pre-empt a running cell, and a worker
 * busy in a loop never sees a posted message: the page keeps the buffer,
 * the worker running the library installs the same buffer with
 * `setInterruptFlag`, and `flag.request()` on the page stops the run at the
 * loop's next poll. The same works between Node threads. A stopped run ends
 * as its AbortSignal would make it end (`aborted: true`, or ARTn's error);
 * the flag stays set until `clear()`, so the host clears it before the next
 * run.
 */

/** A stop flag that threads share: word 0 of `words`, 0 = run, 1 = stop. */
export class InterruptFlag {
  readonly words: Int32Array;
  /** A flag on `buffer` (shared with another thread), or on a new one (a SharedArrayBuffer where the host has it). */
  constructor(buffer?: SharedArrayBuffer | ArrayBuffer) {
    const b = buffer ?? (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
    if (b.byteLength < 4) throw new Error(`InterruptFlag: the buffer holds ${b.byteLength} bytes, it needs 4`);
    this.words = new Int32Array(b, 0, 1);
  }
  /** the buffer to hand to another thread (postMessage shares a SharedArrayBuffer) */
  get buffer(): SharedArrayBuffer | ArrayBuffer { return this.words.buffer as SharedArrayBuffer | ArrayBuffer; }
  /** Asks the running computation to stop at its next poll. */
  request(): void { Atomics.store(this.words, 0, 1); }
  /** Lets the next computation run. */
  clear(): void { Atomics.store(this.words, 0, 0); }
  get requested(): boolean { return Atomics.load(this.words, 0) !== 0; }
}

let current: InterruptFlag | null = null;

/** Installs the flag the long loops poll (a buffer is wrapped; null removes it); returns the flag installed. */
export function setInterruptFlag(flag: InterruptFlag | SharedArrayBuffer | ArrayBuffer | null): InterruptFlag | null {
  current = flag === null || flag instanceof InterruptFlag ? flag : new InterruptFlag(flag);
  return current;
}

/** The installed flag, or null. */
export function interruptFlag(): InterruptFlag | null { return current; }

/** True when `signal` has aborted or the installed flag is set: what a long loop polls. */
export function stopRequested(signal?: AbortSignal | null): boolean {
  return signal?.aborted === true || (current !== null && Atomics.load(current.words, 0) !== 0);
}
