import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One service's Prometheus metrics: its own registry (the all-in-one process hosts seven
 * services, each scraped on its own port) with the instruments every service has. A
 * subgraph registers its own instruments (checkout outcomes, group-commit sizes) on
 * `registry` too.
 */
export interface ServiceMetrics {
  registry: Registry;
  /** GraphQL operations answered, by type, name (when known) and outcome (`ok` or `error`). */
  operations: Counter<'operation_type' | 'operation_name' | 'outcome'>;
  operationSeconds: Histogram<'operation_type' | 'operation_name'>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'agora_' });
  return {
    registry,
    operations: new Counter({
      name: 'agora_graphql_operations_total',
      help: 'GraphQL operations answered, by type, name (operations named in METRICS_OPERATION_NAMES, else other) and outcome.',
      labelNames: ['operation_type', 'operation_name', 'outcome'],
      registers: [registry],
    }),
    operationSeconds: new Histogram({
      name: 'agora_graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL operation.',
      labelNames: ['operation_type', 'operation_name'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
