// The gateway's caches of operations, each bounded by the heap it holds rather than by JSON
// length, as Apollo's defaults are (see @agora/service's byteBoundedCache for documents). The
// ratios were measured with 3,000 distinct documents through the production all-in-one.
import type { GatewayConfig } from '@apollo/gateway';
import { createByteBoundedCache, type ByteBoundedCache } from '@agora/service';

type QueryPlanCache = NonNullable<NonNullable<GatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = Parameters<QueryPlanCache['set']>[1];

/** Query plans, by hash: a plan held about 2.3 times its JSON (counted as 3 times). */
export function createQueryPlanCache(maxBytes: number): QueryPlanCache & ByteBoundedCache<QueryPlan> {
  return createByteBoundedCache<QueryPlan>({
    maxBytes,
    sizeOf: (key, plan) => 2 * key.length + 3 * JSON.stringify(plan).length,
  });
}

/** Automatic persisted queries, the text by its hash: the strings and about 100 bytes beside them. */
export function createPersistedQueryCache(maxBytes: number): ByteBoundedCache<string> {
  return createByteBoundedCache<string>({
    maxBytes,
    sizeOf: (key, query) => 2 * (key.length + query.length) + 100,
  });
}
