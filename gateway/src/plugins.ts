import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@agora/errors';
import type { GatewayContext } from './context.js';

/**
 * Subscriptions are served over WebSocket (graphql-ws) on this path, not over plain HTTP:
 * answer with a clear error instead of letting the query planner fail on them.
 */
export function subscriptionsOverHttpPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError(
              'Subscriptions are served over WebSocket (the graphql-ws protocol) on this same /graphql path, not over HTTP.',
              { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}

/**
 * A document whose operation cannot be picked (an `operationName` it does not hold, or
 * several operations and no name) is the client's mistake: answer 400 with Apollo's own
 * code. Left alone, the gateway's executor throws on it and the client sees a 500.
 */
export function operationResolutionPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation !== undefined) return;
          const message =
            request.operationName === undefined || request.operationName === null
              ? 'The document holds several operations; say which to run with operationName.'
              : `The document holds no operation named "${request.operationName.slice(0, 100)}".`;
          throw new GraphQLError(message, {
            extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
          });
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

/**
 * An answer to a signed-in caller may hold what only they may see (their drafts): whatever
 * the subgraphs' hints say, it is never `public`, so no shared cache keeps it.
 */
export function privateWhenSignedInPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.identity === null || contextValue.identity === undefined) return;
      return {
        async willSendResponse({ overallCachePolicy }) {
          overallCachePolicy.restrict({ scope: 'PRIVATE' });
        },
      };
    },
  };
}
