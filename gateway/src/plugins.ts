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
