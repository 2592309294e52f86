// What a load run measured, and the summaries the report prints and plots.
import { largest, percentile } from '../stats.js';

/** One answered request: when it ended (ms since the run began), how long it took, whether it passed. */
export interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

export interface Summary {
  requests: number;
  failed: number;
  seconds: number;
  /** Successful answers per second over the whole run. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Totals and latency percentiles (of every answer, failures included: a fast error is not a win). */
export function summarize(samples: readonly Sample[]): Summary {
  const latencies = samples.map((sample) => sample.ms);
  const seconds = samples.length === 0 ? 0 : largest(samples.map((sample) => sample.at)) / 1000;
  const ok = samples.filter((sample) => sample.ok).length;
  return {
    requests: samples.length,
    failed: samples.length - ok,
    seconds,
    throughput: seconds === 0 ? 0 : ok / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    max: largest(latencies),
  };
}

export interface SecondBucket {
  second: number;
  throughput: number;
  p50: number;
  p99: number;
}

/** The run second by second (answers that ended in that second), for the charts over time. */
export function perSecond(samples: readonly Sample[]): SecondBucket[] {
  const buckets = new Map<number, Sample[]>();
  for (const sample of samples) {
    const second = Math.floor(sample.at / 1000);
    const bucket = buckets.get(second) ?? [];
    bucket.push(sample);
    buckets.set(second, bucket);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, bucket]) => {
      const latencies = bucket.map((sample) => sample.ms);
      return {
        second: second + 1,
        throughput: bucket.filter((sample) => sample.ok).length,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
      };
    });
}
