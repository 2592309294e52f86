import type { ApolloServerPlugin } from '@apollo/server';
import { AgoraError, ErrorCode } from '@agora/errors';

/**
 * Subscriptions are not served over plain HTTP: answer with a clear error instead of
 * letting the query planner fail on them.
 */
export function subscriptionsOverHttpPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new AgoraError(
              ErrorCode.NotImplemented,
              'Subscriptions are not implemented yet; they will be served over graphql-ws on this same /graphql path.',
            );
          }
        },
      };
    },
  };
}

/**
 * A request refused by a rate limit (no data, a RATE_LIMITED error) answers HTTP 429 with
 * Retry-After, as clients and proxies expect; a subgraph cannot set the status itself.
 */
export function rateLimitStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const limited = (errors ?? []).filter((error) => error.extensions?.['code'] === ErrorCode.RateLimited);
          if (limited.length === 0 || (data !== null && data !== undefined)) return;
          const retryAfter = Math.max(...limited.map((error) => Number(error.extensions?.['retryAfter'] ?? 1)));
          response.http.status = 429;
          response.http.headers.set('retry-after', String(retryAfter));
        },
      };
    },
  };
}
