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
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { PubSub } from '@agora/adapters';
import type { Logger } from '@agora/service';
import { ErrorCode } from '@agora/errors';
import { RETRY_AFTER_SECONDS, createOperationSlots, type ConnectionRefusal } from '../connectionLimits.js';
import type { GatewayContext } from '../context.js';
import { findListedOperation, type PersistedOperations } from '../persistedOperations.js';
import { withoutSuggestions } from '../suggestions.js';
import type { VerifiedSession } from '../tokens.js';
import type { CountHub } from './countHub.js';
import { createCountSubscriptions, type RunQuery } from './countSubscription.js';
import { createSocketSessions, type SignedInSocket } from './socketSessions.js';

export interface WebSocketOptions {
  apiSchema: GraphQLSchema;
  hub: CountHub;
  runQuery: RunQuery;
  /** The session an `authorization` connection parameter names; throws when it is not valid (or has ended). */
  resolveSession(authorization: string | undefined): Promise<VerifiedSession | null>;
  /** Where logouts are announced: a revoked session's sockets close at once. */
  pubsub: PubSub;
  logger: Logger;
  /** The client address of a connection, from its upgrade request. */
  clientAddressOf(request: http.IncomingMessage): string;
  production: boolean;
  /** The same limits as over HTTP: tokens per document, shape rules, message size. */
  maxTokens: number;
  shapeRules: readonly ValidationRule[];
  maxMessageBytes: number;
  /** Subscriptions (and queries) one socket may have running at once. */
  maxOperationsPerConnection: number;
  /** The only operations to run (by text, or by hash in `extensions.persistedQuery`); null: any. */
  persistedOperations: PersistedOperations | null;
  /** Subscriptions (and queries) one client address may have running at once, over all its sockets. */
  maxOperationsPerAddress: number;
  /** Null when a socket may open, else the answer refusing its upgrade (the address's connection cap). */
  admitConnection(request: http.IncomingMessage): ConnectionRefusal | null;
}

/**
 * graphql-ws on the gateway's own HTTP server and `/graphql` path. The token comes in the
 * `connection_init` payload (`{ authorization: "Bearer …" }`); a bad one closes the socket
 * with 4403, none is fine (counts are public). A signed-in socket lives no longer than its
 * session: every operation checks it as HTTP does, and the socket closes (4403) when the
 * token expires or the session is revoked. Subscriptions are `signatureCountChanged`;
 * queries and mutations sent over the socket run through the gateway like HTTP ones.
 */
export function attachWebSockets(httpServer: http.Server, options: WebSocketOptions): () => Promise<void> {
  const sockets = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: options.maxMessageBytes,
    // Refused with an HTTP answer before the upgrade, so a refused client holds no socket.
    verifyClient: ({ req }, accept) => {
      const refusal = options.admitConnection(req);
      if (refusal === null) accept(true);
      else accept(false, refusal.status, refusal.body, refusal.headers);
    },
  });
  const perAddress = createOperationSlots(options.maxOperationsPerAddress);
  const callers = new WeakMap<object, GatewayContext>();
  const signedIn = new WeakMap<object, SignedInSocket>();
  const sessions = createSocketSessions({
    resolveSession: options.resolveSession,
    pubsub: options.pubsub,
    logger: options.logger,
    sweepIntervalMs: SESSION_SWEEP_INTERVAL_MS,
  });
  const subscribe = createCountSubscriptions(options);
  const disposable = useServer(
    {
      schema: options.apiSchema,
      isProd: options.production,
      // Parsed and validated here rather than by graphql-ws, so that a document over the token
      // limit is answered with an error message instead of a closed socket.
      onSubscribe: async (ctx, id, payload) => {
        const socket = signedIn.get(ctx);
        const ended = socket === undefined ? null : await sessions.check(socket);
        if (ended !== null) return [ended];
        // Closed while its session was checked: onClose has run, so nothing may be taken now.
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return [new GraphQLError('The connection has closed.')];
        // graphql-ws has already registered this operation, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > options.maxOperationsPerConnection) {
          return [
            new GraphQLError(
              `One connection may run at most ${options.maxOperationsPerConnection} operations at once; open another connection or end some.`,
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        const listed =
          options.persistedOperations === null ? undefined : findListedOperation(options.persistedOperations, payload);
        if (listed instanceof GraphQLError) return [listed];
        let document: DocumentNode;
        try {
          document = parse(listed ?? payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed.')];
        }
        const errors = validate(options.apiSchema, document, [...specifiedRules, ...options.shapeRules]);
        if (errors.length > 0) return options.production ? errors.map(hideSuggestions) : errors;
        // Taken last, so that only an operation about to run holds a slot; given back when it ends.
        if (!perAddress.take(ctx, id, options.clientAddressOf(ctx.extra.request))) {
          return [
            new GraphQLError(
              `One address may run at most ${options.maxOperationsPerAddress} operations at once over all its connections; end some first.`,
              { extensions: { code: ErrorCode.RateLimited, retryAfter: RETRY_AFTER_SECONDS } },
            ),
          ];
        }
        return {
          schema: options.apiSchema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
        };
      },
      onConnect: async (ctx) => {
        const given = ctx.connectionParams?.['authorization'];
        const authorization = typeof given === 'string' ? given : undefined;
        let session: VerifiedSession | null;
        try {
          session = await options.resolveSession(authorization);
        } catch {
          return false;
        }
        // Closed while the token was checked: onClose has run already, so follow nothing.
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
        callers.set(ctx, {
          identity: session?.identity ?? null,
          clientAddress: options.clientAddressOf(ctx.extra.request),
        });
        if (session !== null && authorization !== undefined) {
          const close = (reason: string) => ctx.extra.socket.close(CloseCode.Forbidden, reason);
          signedIn.set(ctx, sessions.follow(authorization, session, close));
        }
        return true;
      },
      context: (ctx) =>
        callers.get(ctx) ?? { identity: null, clientAddress: options.clientAddressOf(ctx.extra.request) },
      // An operation ends with onComplete, or with onError when graphql-ws refuses it itself.
      onComplete: (ctx, id) => perAddress.release(ctx, id),
      onError: (ctx, id) => perAddress.release(ctx, id),
      onClose: (ctx) => {
        perAddress.releaseAll(ctx);
        const socket = signedIn.get(ctx);
        if (socket !== undefined) sessions.forget(socket);
      },
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
    try {
      await disposable.dispose();
    } finally {
      await sessions.stop();
    }
  };
}

/**
 * How often the sessions of open sockets are checked again, for a logout whose announcement
 * was lost; an announcement that arrives closes them at once.
 */
const SESSION_SWEEP_INTERVAL_MS = 30_000;

/** The error without "Did you mean …?" (production, as over HTTP). */
function hideSuggestions(error: GraphQLError): GraphQLError {
  const message = withoutSuggestions(error.message);
  return message === error.message
    ? error
    : new GraphQLError(message, { nodes: error.nodes ?? null, extensions: error.extensions });
}
