import type http from 'node:http';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Identity } from '@agora/service';
import type { GatewayContext } from '../context.js';
import { withoutSuggestions } from '../suggestions.js';
import type { CountHub } from './countHub.js';
import { createCountSubscriptions, type RunQuery } from './countSubscription.js';

export interface WebSocketOptions {
  apiSchema: GraphQLSchema;
  hub: CountHub;
  runQuery: RunQuery;
  /** The caller an `authorization` connection parameter names; throws when it is not valid. */
  resolveIdentity(authorization: string | undefined): Promise<Identity | null>;
  /** The client address of a connection, from its upgrade request. */
  clientAddressOf(request: http.IncomingMessage): string;
  production: boolean;
  /** The same limits as over HTTP: tokens per document, shape rules, message size. */
  maxTokens: number;
  shapeRules: readonly ValidationRule[];
  maxMessageBytes: number;
  /** Subscriptions (and queries) one socket may have running at once. */
  maxOperationsPerConnection: number;
}

/**
 * graphql-ws on the gateway's own HTTP server and `/graphql` path. The token comes in the
 * `connection_init` payload (`{ authorization: "Bearer …" }`); a bad one closes the socket
 * with 4403, none is fine (counts are public). Subscriptions are `signatureCountChanged`;
 * queries and mutations sent over the socket run through the gateway like HTTP ones.
 */
export function attachWebSockets(httpServer: http.Server, options: WebSocketOptions): () => Promise<void> {
  const sockets = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: options.maxMessageBytes });
  const callers = new WeakMap<object, GatewayContext>();
  const subscribe = createCountSubscriptions(options);
  const disposable = useServer(
    {
      schema: options.apiSchema,
      isProd: options.production,
      // Parsed and validated here rather than by graphql-ws, so that a document over the token
      // limit is answered with an error message instead of a closed socket.
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws has already registered this operation, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > options.maxOperationsPerConnection) {
          return [
            new GraphQLError(
              `One connection may run at most ${options.maxOperationsPerConnection} operations at once; open another connection or end some.`,
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed.')];
        }
        const errors = validate(options.apiSchema, document, [...specifiedRules, ...options.shapeRules]);
        if (errors.length > 0) return options.production ? errors.map(hideSuggestions) : errors;
        return {
          schema: options.apiSchema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
        };
      },
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.['authorization'];
        try {
          const identity = await options.resolveIdentity(typeof authorization === 'string' ? authorization : undefined);
          callers.set(ctx, { identity, clientAddress: options.clientAddressOf(ctx.extra.request) });
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) =>
        callers.get(ctx) ?? { identity: null, clientAddress: options.clientAddressOf(ctx.extra.request) },
      subscribe: (args) => subscribe(args),
      execute: (args) =>
        options.runQuery(
          args.document,
          (args.variableValues ?? {}) as Record<string, unknown>,
          args.contextValue as GatewayContext,
          args.operationName ?? undefined,
        ),
    },
    sockets,
  );
  return async () => {
    await disposable.dispose();
  };
}

/** The error without "Did you mean …?" (production, as over HTTP). */
function hideSuggestions(error: GraphQLError): GraphQLError {
  const message = withoutSuggestions(error.message);
  return message === error.message
    ? error
    : new GraphQLError(message, { nodes: error.nodes ?? null, extensions: error.extensions });
}
