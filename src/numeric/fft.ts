/**
 * Fast Fourier transforms in f64 for power-of-two lengths (zero padding to
 * the next power of two is the caller's choice, see `nextPowerOfTwo`).
 *
 * Convention (the same as numpy.fft): the forward transform is
 *     X_k = sum_{n=0}^{L-1} x_n exp(-2 pi i k n / L),   k = 0..L-1,
 * unnormalised; `inverse` computes (1/L) sum_k X_k exp(+2 pi i k n / L).
 *
 * `FftPlan` is an in-place complex transform on split real/imaginary arrays:
 * radix-4 decimation in frequency (two radix-2 stages fused, 3 complex
 * multiplications per 4-point butterfly) plus one radix-2 stage when log2 L is
 * odd, with the twiddles of every stage precomputed contiguously; the output
 * of the butterflies is in bit-reversed order, permuted back by a precomputed
 * table (or left so by `transformBitReversed`, when the caller indexes it
 * through `bitReverse`).
 *
 * `RealFftPlan` transforms a real signal of length L through one complex
 * transform of length L/2 (even samples as real parts, odd as imaginary
 * parts) and the usual split step; it returns the L/2 + 1 non-redundant bins
 * (numpy.fft.rfft) or accumulates the power |X_k|^2 straight from the
 * bit-reversed half-length spectrum. A plan owns its scratch buffers: the
 * batched use (thousands of atoms and components through one plan) allocates
 * nothing per signal. Plans are not re-entrant.
 */

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  if (!(n >= 1) || !Number.isFinite(n)) throw new Error(`nextPowerOfTwo: need a finite n >= 1, got ${n}`);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** One radix-4 stage: block size m and twiddles [c1 s1 c2 s2 c3 s3] for j < m/4 (w = exp(-2 pi i / m)). */
interface Radix4Stage {
  m: number;
  tw: Float64Array;
}

/** In-place complex FFT of a fixed power-of-two length (module doc). */
export class FftPlan {
  readonly n: number;
  /** bitReverse[k]: where the butterflies leave bin k */
  readonly bitReverse: Int32Array;
  private readonly stages: Radix4Stage[] = [];
  private readonly finalRadix2: boolean;

  constructor(n: number) {
    if (!isPowerOfTwo(n)) throw new Error(`FftPlan: length must be a power of two, got ${n} (zero-pad to nextPowerOfTwo(${n}))`);
    this.n = n;
    let m = n;
    while (m >= 4) {
      const q = m >> 2;
      const tw = new Float64Array(6 * q);
      for (let j = 0; j < q; j++) {
        for (let r = 1; r <= 3; r++) {
          const a = (-2 * Math.PI * r * j) / m;
          tw[6 * j + 2 * (r - 1)] = Math.cos(a);
          tw[6 * j + 2 * (r - 1) + 1] = Math.sin(a);
        }
      }
      this.stages.push({ m, tw });
      m = q;
    }
    this.finalRadix2 = m === 2;
    const bits = Math.round(Math.log2(n));
    this.bitReverse = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let r = 0;
      for (let b = 0, x = k; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.bitReverse[k] = r;
    }
  }

  /**
   * Forward transform in place; bin k ends at index bitReverse[k].
   * `leading`: the input is zero from this index on (zero padding); when it
   * is at most n/2 the first stage skips the zero half.
   */
  transformBitReversed(re: Float64Array, im: Float64Array, leading = this.n): void {
    const n = this.n;
    if (re.length < n || im.length < n) throw new Error(`FftPlan: arrays shorter than the plan length ${n}`);
    let s = 0;
    if (this.stages.length > 0 && leading <= n >> 1) {
      // first stage with x2 = x3 = 0: y0 = x0 + x1, y1 = (x0 - x1) w^2j, y2 = (x0 - i x1) w^j, y3 = (x0 + i x1) w^3j
      const { m, tw } = this.stages[0];
      const q = m >> 2;
      for (let j = 0; j < q; j++) {
        const i0 = j, i1 = i0 + q, i2 = i1 + q, i3 = i2 + q;
        const x0r = re[i0], x0i = im[i0], x1r = re[i1], x1i = im[i1];
        const t = 6 * j;
        const c1 = tw[t], s1 = tw[t + 1], c2 = tw[t + 2], s2 = tw[t + 3], c3 = tw[t + 4], s3 = tw[t + 5];
        re[i0] = x0r + x1r;
        im[i0] = x0i + x1i;
        const ar = x0r - x1r, ai = x0i - x1i;
        re[i1] = ar * c2 - ai * s2;
        im[i1] = ar * s2 + ai * c2;
        const br = x0r + x1i, bi = x0i - x1r;
        re[i2] = br * c1 - bi * s1;
        im[i2] = br * s1 + bi * c1;
        const cr = x0r - x1i, ci = x0i + x1r;
        re[i3] = cr * c3 - ci * s3;
        im[i3] = cr * s3 + ci * c3;
      }
      s = 1;
    }
    for (; s < this.stages.length; s++) {
      const { m, tw } = this.stages[s];
      if (m === 4) {
        // last radix-4 stage: all twiddles are 1
        for (let b = 0; b < n; b += 4) {
          const x0r = re[b], x0i = im[b], x1r = re[b + 1], x1i = im[b + 1];
          const x2r = re[b + 2], x2i = im[b + 2], x3r = re[b + 3], x3i = im[b + 3];
          const t0r = x0r + x2r, t0i = x0i + x2i, t2r = x0r - x2r, t2i = x0i - x2i;
          const t1r = x1r + x3r, t1i = x1i + x3i, t3r = x1r - x3r, t3i = x1i - x3i;
          re[b] = t0r + t1r;
          im[b] = t0i + t1i;
          re[b + 1] = t0r - t1r;
          im[b + 1] = t0i - t1i;
          re[b + 2] = t2r + t3i;
          im[b + 2] = t2i - t3r;
          re[b + 3] = t2r - t3i;
          im[b + 3] = t2i + t3r;
        }
        continue;
      }
      const q = m >> 2;
      for (let b = 0; b < n; b += m) {
        for (let j = 0; j < q; j++) {
          const i0 = b + j, i1 = i0 + q, i2 = i1 + q, i3 = i2 + q;
          const x0r = re[i0], x0i = im[i0], x1r = re[i1], x1i = im[i1];
          const x2r = re[i2], x2i = im[i2], x3r = re[i3], x3i = im[i3];
          const t0r = x0r + x2r, t0i = x0i + x2i, t2r = x0r - x2r, t2i = x0i - x2i;
          const t1r = x1r + x3r, t1i = x1i + x3i, t3r = x1r - x3r, t3i = x1i - x3i;
          re[i0] = t0r + t1r;
          im[i0] = t0i + t1i;
          const t = 6 * j;
          const c1 = tw[t], s1 = tw[t + 1], c2 = tw[t + 2], s2 = tw[t + 3], c3 = tw[t + 4], s3 = tw[t + 5];
          // y1 = (t0 - t1) w^2j ; y2 = (t2 - i t3) w^j ; y3 = (t2 + i t3) w^3j
          const ar = t0r - t1r, ai = t0i - t1i;
          re[i1] = ar * c2 - ai * s2;
          im[i1] = ar * s2 + ai * c2;
          const br = t2r + t3i, bi = t2i - t3r;
          re[i2] = br * c1 - bi * s1;
          im[i2] = br * s1 + bi * c1;
          const cr = t2r - t3i, ci = t2i + t3r;
          re[i3] = cr * c3 - ci * s3;
          im[i3] = cr * s3 + ci * c3;
        }
      }
    }
    if (this.finalRadix2) {
      for (let b = 0; b < n; b += 2) {
        const ar = re[b], ai = im[b], br = re[b + 1], bi = im[b + 1];
        re[b] = ar + br;
        im[b] = ai + bi;
        re[b + 1] = ar - br;
        im[b + 1] = ai - bi;
      }
    }
  }

  /** Forward transform in place, natural order. */
  transform(re: Float64Array, im: Float64Array): void {
    this.transformBitReversed(re, im);
    this.permute(re, im);
  }

  /** Inverse transform in place, natural order, including the 1/L factor. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    for (let k = 0; k < n; k++) im[k] = -im[k];
    this.transform(re, im);
    const s = 1 / n;
    for (let k = 0; k < n; k++) {
      re[k] *= s;
      im[k] *= -s;
    }
  }

  private permute(re: Float64Array, im: Float64Array): void {
    const rev = this.bitReverse;
    for (let k = 0; k < this.n; k++) {
      const r = rev[k];
      if (r > k) {
        let t = re[k]; re[k] = re[r]; re[r] = t;
        t = im[k]; im[k] = im[r]; im[r] = t;
      }
    }
  }
}

/** Real-input FFT of a fixed power-of-two length L >= 2 (module doc). */
export class RealFftPlan {
  /** transform length L (signals shorter than L are zero padded) */
  readonly n: number;
  /** number of non-redundant bins, L/2 + 1 */
  readonly bins: number;
  private readonly half: FftPlan;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** cos and sin of -2 pi k / L, k < L/2 */
  private readonly wc: Float64Array;
  private readonly ws: Float64Array;

  constructor(n: number) {
    if (!isPowerOfTwo(n) || n < 2) throw new Error(`RealFftPlan: length must be a power of two >= 2, got ${n}`);
    this.n = n;
    const h = n >> 1;
    this.bins = h + 1;
    this.half = new FftPlan(h);
    this.re = new Float64Array(h);
    this.im = new Float64Array(h);
    this.wc = new Float64Array(h);
    this.ws = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      this.wc[k] = Math.cos((-2 * Math.PI * k) / n);
      this.ws[k] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  /** Pack x[offset .. offset+length) (zero padded to L) as z_n = x_2n + i x_2n+1 and transform it. */
  private load(x: ArrayLike<number>, offset: number, length: number): void {
    if (length > this.n) throw new Error(`RealFftPlan: signal of length ${length} exceeds the plan length ${this.n}`);
    const re = this.re, im = this.im, h = this.n >> 1;
    const pairs = length >> 1;
    for (let j = 0; j < pairs; j++) {
      re[j] = x[offset + 2 * j];
      im[j] = x[offset + 2 * j + 1];
    }
    let j = pairs;
    if (length & 1) {
      re[j] = x[offset + length - 1];
      im[j] = 0;
      j++;
    }
    re.fill(0, j, h);
    im.fill(0, j, h);
    this.half.transformBitReversed(re, im, j);
  }

  /**
   * Bins X_0 .. X_{L/2} of the zero-padded signal x[offset .. offset+length)
   * into outRe/outIm (length >= L/2 + 1), as numpy.fft.rfft(x, L).
   */
  forward(x: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array, offset = 0, length = x.length - offset): void {
    this.load(x, offset, length);
    const h = this.n >> 1, rev = this.half.bitReverse, re = this.re, im = this.im;
    for (let k = 0; k <= h; k++) {
      const p = rev[k % h], q = rev[(h - k) % h];
      const zr = re[p], zi = im[p], yr = re[q], yi = -im[q]; // Z_k and conj(Z_{h-k})
      const er = 0.5 * (zr + yr), ei = 0.5 * (zi + yi);
      const or = 0.5 * (zi - yi), oi = -0.5 * (zr - yr); // (Z_k - conj Z_{h-k}) / 2i
      const c = k < h ? this.wc[k] : -1, s = k < h ? this.ws[k] : 0;
      outRe[k] = er + c * or - s * oi;
      outIm[k] = ei + c * oi + s * or;
    }
  }

  /**
   * out[outOffset + k] += scale |X_k|^2 for k = 0..L/2: the power spectrum of
   * the zero-padded signal x[offset .. offset+length), accumulated.
   */
  accumulatePower(x: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number, scale: number): void {
    this.load(x, offset, length);
    const h = this.n >> 1, rev = this.half.bitReverse, re = this.re, im = this.im, wc = this.wc, ws = this.ws;
    // k = 0 and k = L/2: X_0 = Re z_0 + Im z_0 summed, X_{L/2} = Re - Im (both real)
    const z0r = re[0], z0i = im[0];
    out[outOffset] += scale * (z0r + z0i) * (z0r + z0i);
    out[outOffset + h] += scale * (z0r - z0i) * (z0r - z0i);
    for (let k = 1; k < h; k++) {
      const p = rev[k], q = rev[h - k];
      const zr = re[p], zi = im[p], yr = re[q], yi = -im[q];
      const er = zr + yr, ei = zi + yi;
      const or = zi - yi, oi = yr - zr;
      const c = wc[k], s = ws[k];
      const xr = er + c * or - s * oi, xi = ei + c * oi + s * or; // 2 X_k
      out[outOffset + k] += 0.25 * scale * (xr * xr + xi * xi);
    }
  }
}
