import { Counter, Gauge, Histogram } from 'prom-client';
import { createServiceMetrics, type ServiceMetrics } from '@agora/service';
import type { CountHub } from './subscriptions/countHub.js';

export type SubgraphFetchOutcome = 'ok' | 'http_error' | 'timeout' | 'unreachable';

/** The gateway's metrics: every service's, plus subgraph fetches and live subscriptions. */
export interface GatewayMetrics extends ServiceMetrics {
  subgraphFetchSeconds: Histogram<'subgraph' | 'outcome'>;
  subgraphFetchRetries: Counter<'subgraph' | 'outcome'>;
  subgraphSharedReads: Counter<'subgraph'>;
  responseCacheRequests: Counter<'outcome'>;
}

export function createGatewayMetrics(hub: CountHub): GatewayMetrics {
  const metrics = createServiceMetrics('gateway');
  const registers = [metrics.registry];
  new Gauge({
    name: 'agora_subscriptions_active',
    help: 'Watchers of signature counts this gateway serves now.',
    registers,
    collect() {
      this.set(hub.size().watchers);
    },
  });
  new Gauge({
    name: 'agora_subscription_topics_active',
    help: 'Petitions this gateway holds a broker subscription for.',
    registers,
    collect() {
      this.set(hub.size().petitions);
    },
  });
  return {
    ...metrics,
    subgraphFetchSeconds: new Histogram({
      name: 'agora_subgraph_fetch_duration_seconds',
      help: 'Time of one gateway call to a subgraph, by subgraph and outcome.',
      labelNames: ['subgraph', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    subgraphFetchRetries: new Counter({
      name: 'agora_subgraph_fetch_retries_total',
      help: 'Reads sent to a subgraph a second time after a refused or reset connection, by the outcome of that attempt.',
      labelNames: ['subgraph', 'outcome'],
      registers,
    }),
    subgraphSharedReads: new Counter({
      name: 'agora_subgraph_reads_shared_total',
      help: 'Reads a subgraph was not sent because an identical one was in flight, whose answer they shared.',
      labelNames: ['subgraph'],
      registers,
    }),
    responseCacheRequests: new Counter({
      name: 'agora_response_cache_requests_total',
      help: 'Anonymous GET requests the response cache answered (hit) or passed on (miss).',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
