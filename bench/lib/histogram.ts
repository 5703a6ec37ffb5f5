// Latency histograms: every sample kept (a Float64Array that grows), exact percentiles by the
// nearest-rank method. A million samples cost 8 MB; scenarios record far fewer.

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class Histogram {
  private samples: Float64Array;
  private n = 0;
  private sorted = true;
  private sum = 0;

  constructor(initialCapacity = 1024) {
    this.samples = new Float64Array(Math.max(16, initialCapacity));
  }

  get count(): number {
    return this.n;
  }

  record(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`histogram sample must be finite, got ${value}`);
    if (this.n === this.samples.length) {
      const next = new Float64Array(this.samples.length * 2);
      next.set(this.samples);
      this.samples = next;
    }
    if (this.sorted && this.n > 0 && value < this.samples[this.n - 1]) this.sorted = false;
    this.samples[this.n++] = value;
    this.sum += value;
  }

  /** Adds every sample of `other`. */
  merge(other: Histogram): void {
    const src = other.view();
    for (let i = 0; i < src.length; i++) this.record(src[i]);
  }

  private view(): Float64Array {
    return this.samples.subarray(0, this.n);
  }

  private ensureSorted(): Float64Array {
    const v = this.view();
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }

  /** Nearest-rank percentile (0 < p <= 100): the smallest sample with at least p% of samples <= it. */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.n === 0) return NaN;
    const v = this.ensureSorted();
    const rank = Math.ceil((p / 100) * this.n);
    return v[Math.min(this.n, Math.max(1, rank)) - 1];
  }

  get min(): number {
    return this.n ? this.ensureSorted()[0] : NaN;
  }

  get max(): number {
    return this.n ? this.ensureSorted()[this.n - 1] : NaN;
  }

  get mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }

  summary(): Summary {
    return { count: this.n, min: this.min, mean: this.mean, p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99), max: this.max };
  }
}
