/**
 * Dense f64 matrix product C = A B or C -= A B (row-major), register-blocked for V8.
 *
 * A is M x K, B is K x N, C is M x N, all row-major Float64Arrays with the
 * given row strides. The kernel computes 4 x 4 tiles of C with 16 scalar
 * accumulators over a K-block of KC, reading A from a packed transposed
 * copy (4 contiguous values per k) and B rows directly (4 contiguous values
 * per k); the KC x NC block of B is reused by every row tile (L2). Edges
 * (M, N not multiples of 4) use a plain loop. About 2 n^3 flops.
 */

const KC = 128;
const NC = 256;

export interface MatrixView {
  /** storage */
  readonly data: Float64Array;
  /** offset of element (0, 0) */
  readonly offset: number;
  /** distance between rows */
  readonly stride: number;
}

/** Signature shared by gemm and the WebAssembly product (wasm/wasm-runtime.ts gemmHeap). */
export type GemmFn = (M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: MatrixView, subtract?: boolean) => void;

/** C = A B (C overwritten), or C = C - A B with `subtract`. */
export function gemm(M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: MatrixView, subtract = false): void {
  const c = C.data, co = C.offset, cs = C.stride;
  if (!subtract) for (let i = 0; i < M; i++) c.fill(0, co + i * cs, co + i * cs + N);
  const sg = subtract ? -1 : 1;
  if (K === 0 || M === 0 || N === 0) return;
  const a = A.data, ao = A.offset, as = A.stride;
  const b = B.data, bo = B.offset, bs = B.stride;
  const M4 = M & ~3, N4 = N & ~3;
  const pack = new Float64Array(KC * 4);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = Math.min(KC, K - pc);
    for (let jc = 0; jc < N4; jc += NC) {
      const jEnd = Math.min(N4, jc + NC);
      for (let i = 0; i < M4; i += 4) {
        // pack A[i..i+3][pc..pc+kc-1] as pack[p*4 + r]
        for (let r = 0; r < 4; r++) {
          const src = ao + (i + r) * as + pc;
          for (let p = 0; p < kc; p++) pack[p * 4 + r] = a[src + p];
        }
        for (let j = jc; j < jEnd; j += 4) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          let bp = bo + pc * bs + j;
          for (let p = 0, q = 0; p < kc; p++, q += 4, bp += bs) {
            const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
            const a0 = pack[q], a1 = pack[q + 1], a2 = pack[q + 2], a3 = pack[q + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          }
          let o = co + i * cs + j;
          c[o] += sg * c00; c[o + 1] += sg * c01; c[o + 2] += sg * c02; c[o + 3] += sg * c03; o += cs;
          c[o] += sg * c10; c[o + 1] += sg * c11; c[o + 2] += sg * c12; c[o + 3] += sg * c13; o += cs;
          c[o] += sg * c20; c[o + 1] += sg * c21; c[o + 2] += sg * c22; c[o + 3] += sg * c23; o += cs;
          c[o] += sg * c30; c[o + 1] += sg * c31; c[o + 2] += sg * c32; c[o + 3] += sg * c33;
        }
      }
    }
    // edges: rows M4..M-1 (all columns), columns N4..N-1 (rows 0..M4-1)
    for (let i = 0; i < M; i++) {
      const j0 = i < M4 ? N4 : 0;
      if (j0 >= N) continue;
      const crow = co + i * cs, arow = ao + i * as;
      for (let p = pc; p < pc + kc; p++) {
        const av = sg * a[arow + p];
        if (av === 0) continue;
        const brow = bo + p * bs;
        for (let j = j0; j < N; j++) c[crow + j] += av * b[brow + j];
      }
    }
  }
}
