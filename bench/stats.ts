// Small statistics helpers shared by the benchmarks.

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest-rank on the sorted samples (p90 of 5 samples is the largest): never interpolates a value
  // that was not measured.
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const p90 = (xs: number[]) => quantile(xs, 0.9);

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) < 1) return x.toFixed(2);
  if (Math.abs(x) < 10) return x.toFixed(1);
  return Math.round(x).toString();
}

export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x < 0.01) return x.toFixed(4);
  if (x < 0.1) return x.toFixed(3);
  return x.toFixed(2);
}
