/** The value below which `fraction` of the samples fall (nearest rank). */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

/** The largest value, NaN for none: Math.max(...values) overflows the stack past ~100,000 values. */
export function largest(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((max, value) => (value > max ? value : max));
}

/** "p50 / p95 / p99 / max" in milliseconds, one decimal. */
export function latencySummary(samples: readonly number[]): string {
  const ms = (value: number) => value.toFixed(1);
  return (
    [0.5, 0.95, 0.99].map((fraction) => ms(percentile(samples, fraction))).join(' / ') + ` / ${ms(largest(samples))}`
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
