/** The middle value of `values` (the mean of the two middle ones for an even count). */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** The `q`-quantile of `values`, linearly interpolated (q = 0.99: p99). */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
};

/** `items` rotated left by `round` places: each round starts with the next one, so that no item always goes first. */
export const rotated = <T>(items: readonly T[], round: number): T[] => {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
};

/** The median of the ratios `a[i] / b[i]` of paired samples (taken in the same round). */
export const pairedRatio = (a: readonly number[], b: readonly number[]): number =>
  median(a.map((value, i) => value / (b[i] ?? Number.NaN)));

/** The median of each set of samples, by name. */
export const medians = (samples: Record<string, number[]>): Record<string, number> =>
  Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
