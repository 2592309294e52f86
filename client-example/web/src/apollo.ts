// Apollo Client for Agora: queries and mutations over HTTP with the session token in the
// Authorization header, subscriptions over graphql-ws on the same URL with the token in
// connection_init. After the WebSocket comes back (a gateway restart, a phone waking up),
// every query on screen is fetched again: counts pushed while it was down are lost.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { DEFAULT_BACKOFF, SESSION_REFUSED, closeCodeOf, retryDelayMs } from '../../src/reconnecting.js';
import possibleTypes from './possibleTypes.json';

export interface AgoraConnection {
  /** The session the connection was made for (null: anonymous). */
  token: string | null;
  apollo: ApolloClient;
  /** Closes the WebSocket and stops the client (when the session changes, a new one is made). */
  dispose(): void;
}

function retryWait(retries: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries, DEFAULT_BACKOFF, Math.random)));
}

/**
 * `onSessionRefused` is told when the gateway refuses the token (the app then signs out);
 * any other drop is retried for as long as the app runs.
 */
export function connectToAgora(
  gatewayUrl: string,
  token: string | null,
  onSessionRefused: () => void,
): AgoraConnection {
  const authorization = token === null ? undefined : `Bearer ${token}`;
  const sockets = createClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    connectionParams: authorization === undefined ? {} : { authorization },
    // Connected from the start and kept so: counts on screen are watched all the time.
    lazy: false,
    retryAttempts: Number.MAX_SAFE_INTEGER,
    shouldRetry: (event) => closeCodeOf(event) !== SESSION_REFUSED,
    retryWait,
    on: {
      connected: (_socket, _payload, wasRetry) => {
        // Fires after the server's acknowledgement, so always after `apollo` below exists.
        if (wasRetry) void apollo.refetchQueries({ include: 'active' }).catch(() => undefined);
      },
      closed: (event) => {
        if (closeCodeOf(event) === SESSION_REFUSED && token !== null) onSessionRefused();
      },
    },
  });
  const withToken = new SetContextLink((previous) => ({
    headers: { ...previous['headers'], ...(authorization === undefined ? {} : { authorization }) },
  }));
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(sockets),
    withToken.concat(new HttpLink({ uri: gatewayUrl })),
  );
  const cache = new InMemoryCache({
    possibleTypes,
    typePolicies: {
      // Signatures are never taken back: whatever arrives last (a push, an answer, a refetch),
      // a count shown never goes down.
      Petition: {
        fields: {
          signatureCount: {
            merge: (known: number | undefined, incoming: number) =>
              known === undefined ? incoming : Math.max(known, incoming),
          },
        },
      },
    },
  });
  const apollo = new ApolloClient({
    link,
    cache,
    // A page shows what is cached at once and asks again: after a checkout, the balance, the
    // orders and the stock on other pages are fresh when they are next opened.
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    token,
    apollo,
    dispose: () => {
      apollo.stop();
      void sockets.dispose();
    },
  };
}
