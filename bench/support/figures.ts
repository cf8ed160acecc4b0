// Arithmetic for benchmark figures: the p-th percentile of a sample, and rounding to three decimals.
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;
