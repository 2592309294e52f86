import { TOPICS, isSessionRevokedEvent, type PubSub, type Unsubscribe } from '@agora/adapters';
import { ErrorCode } from '@agora/errors';
import type { Logger } from '@agora/service';
import { GraphQLError } from 'graphql';
import type { VerifiedSession } from '../tokens.js';

export interface SocketSessionsOptions {
  /** The session an Authorization value names now; throws UNAUTHENTICATED once it has ended. */
  resolveSession(authorization: string | undefined): Promise<VerifiedSession | null>;
  /** Where `users` announces each logout. */
  pubsub: PubSub;
  logger: Logger;
  /**
   * How often every open socket's session is checked again: an announcement can be lost
   * (pub/sub delivers at most once), and then this bounds how long pushes go on.
   */
  sweepIntervalMs: number;
  now?: () => number;
}

/** A signed-in socket, as these sessions follow it. */
export interface SignedInSocket {
  readonly authorization: string;
  readonly session: VerifiedSession;
}

interface FollowedSocket extends SignedInSocket {
  close(reason: string): void;
  expiryTimer: NodeJS.Timeout | undefined;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry is waited for in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps graphql-ws sockets no longer than their sessions: a socket is closed (4403) when its
 * token expires, when its session is revoked (announced by `users` on logout, and found by a
 * sweep should the announcement be lost), and when an operation it sends finds the session
 * ended. Until then every operation is checked as an HTTP request is.
 */
export function createSocketSessions(options: SocketSessionsOptions) {
  const now = options.now ?? Date.now;
  const bySession = new Map<string, Set<FollowedSocket>>();

  function forget(socket: FollowedSocket): void {
    clearTimeout(socket.expiryTimer);
    const sockets = bySession.get(socket.session.identity.sessionId);
    sockets?.delete(socket);
    if (sockets?.size === 0) bySession.delete(socket.session.identity.sessionId);
  }

  function end(socket: FollowedSocket, reason: string): void {
    forget(socket);
    socket.close(reason);
  }

  function endSession(sessionId: string, reason: string): void {
    for (const socket of [...(bySession.get(sessionId) ?? [])]) end(socket, reason);
  }

  function closeAtExpiry(socket: FollowedSocket): void {
    const left = socket.session.expiresAtMs - now();
    if (left <= 0) return end(socket, 'The token has expired; log in again.');
    socket.expiryTimer = setTimeout(() => closeAtExpiry(socket), Math.min(left, LONGEST_TIMER_MS));
    socket.expiryTimer.unref();
  }

  /**
   * The refusal for an operation on this socket, or null when its session still holds. An
   * ended session also closes the socket; a session that cannot be checked (the revocation
   * store is away) refuses the operation only, as HTTP answers 503.
   */
  async function check(socket: FollowedSocket): Promise<GraphQLError | null> {
    try {
      if (socket.session.expiresAtMs <= now()) throw unauthenticated('The token has expired; log in again.');
      await options.resolveSession(socket.authorization);
      return null;
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
      const message = error instanceof Error ? error.message : 'The session could not be checked.';
      if (code !== ErrorCode.Unauthenticated) {
        return new GraphQLError(message, { extensions: { code: ErrorCode.ServiceUnavailable } });
      }
      // Closed just after graphql-ws has sent this refusal, so the client reads why.
      forget(socket);
      setImmediate(() => socket.close(message));
      return unauthenticated(message);
    }
  }

  async function sweep(): Promise<void> {
    const oneSocketEach = [...bySession.values()].flatMap((sockets) => [...sockets].slice(0, 1));
    await Promise.all(
      oneSocketEach.map(async (socket) => {
        const refusal = await check(socket);
        if (refusal?.extensions['code'] === ErrorCode.Unauthenticated) {
          endSession(socket.session.identity.sessionId, refusal.message);
        }
      }),
    );
  }

  const unsubscribe: Promise<Unsubscribe> = options.pubsub.subscribe(TOPICS.sessionRevoked, (message) => {
    if (isSessionRevokedEvent(message)) endSession(message.sessionId, 'This session has ended; log in again.');
  });
  unsubscribe.catch((error: unknown) =>
    options.logger.error('cannot hear revoked sessions; open sockets are checked by the sweep only', { error }),
  );
  const sweeping = setInterval(() => {
    sweep().catch((error: unknown) => options.logger.warn('could not check the sessions of open sockets', { error }));
  }, options.sweepIntervalMs);
  sweeping.unref();

  return {
    /**
     * Follows a signed-in socket until `forget`; `close` ends it with its reason (the caller
     * closes the WebSocket with 4403).
     */
    follow(authorization: string, session: VerifiedSession, close: (reason: string) => void): SignedInSocket {
      const socket: FollowedSocket = { authorization, session, close, expiryTimer: undefined };
      const sockets = bySession.get(session.identity.sessionId) ?? new Set();
      sockets.add(socket);
      bySession.set(session.identity.sessionId, sockets);
      closeAtExpiry(socket);
      return socket;
    },
    check: (socket: SignedInSocket) => check(socket as FollowedSocket),
    forget: (socket: SignedInSocket) => forget(socket as FollowedSocket),
    /** Sockets followed now (for tests and metrics). */
    size: () => [...bySession.values()].reduce((sum, sockets) => sum + sockets.size, 0),
    async stop(): Promise<void> {
      clearInterval(sweeping);
      for (const sockets of bySession.values()) for (const socket of sockets) clearTimeout(socket.expiryTimer);
      bySession.clear();
      await (
        await unsubscribe.catch(() => async () => {})
      )();
    },
  };
}

export type SocketSessions = ReturnType<typeof createSocketSessions>;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated } });
}
