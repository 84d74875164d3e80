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

/** `items` in random order: no item is favoured by its place in a round. */
export const shuffled = <T>(items: readonly T[]): T[] =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);

/** The median of the ratios `a[i] / b[i]` of paired samples (taken in the same round). */
export const pairedRatio = (a: readonly number[], b: readonly number[]): number =>
  median(a.map((value, i) => value / (b[i] ?? Number.NaN)));

/** The median of each set of samples, by name. */
export const medians = (samples: Record<string, number[]>): Record<string, number> =>
  Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));

/**
 * The Mann–Whitney U test of `x` against `y`, as a z score (the normal approximation, corrected for ties): positive
 * when values of `x` tend to be larger than those of `y`. It assumes no shape of the distributions, which latencies,
 * skewed and with long tails, have none of; |z| under about 2 is a difference the samples cannot tell from chance.
 */
export const mannWhitneyZ = (x: readonly number[], y: readonly number[]): number => {
  const n = x.length + y.length;
  if (x.length === 0 || y.length === 0) return Number.NaN;
  const pooled = [...x.map((value) => ({ value, ofX: true })), ...y.map((value) => ({ value, ofX: false }))];
  pooled.sort((a, b) => a.value - b.value);
  let rankSumOfX = 0;
  // Σ (t³ − t) over each group of t equal values: ties shrink the variance of U.
  let ties = 0;
  for (let start = 0; start < n; ) {
    const value = pooled[start]?.value;
    let end = start;
    while (end + 1 < n && pooled[end + 1]?.value === value) end += 1;
    // Equal values share the mean of the ranks they span (ranks count from 1).
    const rank = (start + end) / 2 + 1;
    const t = end - start + 1;
    ties += t ** 3 - t;
    for (let i = start; i <= end; i += 1) if (pooled[i]?.ofX) rankSumOfX += rank;
    start = end + 1;
  }
  const pairs = x.length * y.length;
  const u = rankSumOfX - (x.length * (x.length + 1)) / 2;
  const variance = (pairs / 12) * (n + 1 - ties / (n * (n - 1)));
  return variance === 0 ? 0 : (u - pairs / 2) / Math.sqrt(variance);
};
