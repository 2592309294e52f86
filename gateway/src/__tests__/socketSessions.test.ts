import { MemPubSub, TOPICS } from '@agora/adapters';
import { ServiceUnavailableError, UnauthenticatedError } from '@agora/errors';
import { silentLogger } from '@agora/service';
import { eventually } from '@agora/testkit';
import { createSocketSessions, type SocketSessionsOptions } from '../subscriptions/socketSessions.js';
import type { VerifiedSession } from '../tokens.js';

const HOUR_MS = 3_600_000;

function sessionOf(sessionId: string, expiresAtMs = Date.now() + HOUR_MS): VerifiedSession {
  return { identity: { userId: `user-of-${sessionId}`, sessionId }, expiresAtMs };
}

describe('createSocketSessions', () => {
  /** Sessions the stand-in store says have ended, by the Authorization value that names them. */
  let ended: Set<string>;
  let storeAway: boolean;
  let pubsub: MemPubSub;
  let sessions: ReturnType<typeof createSocketSessions>;

  function start(overrides: Partial<SocketSessionsOptions> = {}) {
    sessions = createSocketSessions({
      resolveSession: async (authorization) => {
        if (storeAway)
          throw new ServiceUnavailableError('Sessions cannot be checked right now; please try again shortly.');
        if (authorization !== undefined && ended.has(authorization)) {
          throw new UnauthenticatedError('This session has ended; log in again.');
        }
        return sessionOf(authorization ?? 'none');
      },
      pubsub,
      logger: silentLogger,
      sweepIntervalMs: HOUR_MS,
      ...overrides,
    });
  }

  /** A followed socket whose closes are recorded. */
  function follow(authorization: string, session = sessionOf(authorization)) {
    const closes: string[] = [];
    const socket = sessions.follow(authorization, session, (reason) => closes.push(reason));
    return { socket, closes };
  }

  beforeEach(() => {
    ended = new Set();
    storeAway = false;
    pubsub = new MemPubSub();
  });

  afterEach(async () => {
    await sessions.stop();
  });

  it('should close every socket of a session announced as revoked, and no other', async () => {
    start();
    const first = follow('s1');
    const second = follow('s1');
    const other = follow('s2');
    await pubsub.publish(TOPICS.sessionRevoked, { sessionId: 's1' });
    await eventually(async () => first.closes.length > 0);
    expect(first.closes).toEqual(['This session has ended; log in again.']);
    expect(second.closes).toEqual(['This session has ended; log in again.']);
    expect(other.closes).toEqual([]);
    expect(sessions.size()).toBe(1);
  });

  it("should find a revocation whose announcement was lost on its sweep, for all the session's sockets", async () => {
    start({ sweepIntervalMs: 20 });
    const first = follow('s1');
    const second = follow('s1');
    const other = follow('s2');
    ended.add('s1');
    await eventually(async () => first.closes.length > 0 && second.closes.length > 0);
    expect(first.closes).toEqual(['This session has ended; log in again.']);
    expect(second.closes).toEqual(['This session has ended; log in again.']);
    expect(other.closes).toEqual([]);
  });

  it('should close a socket when its token expires', async () => {
    start();
    const brief = follow('s1', sessionOf('s1', Date.now() + 30));
    const lasting = follow('s2');
    await eventually(async () => brief.closes.length > 0);
    expect(brief.closes).toEqual(['The token has expired; log in again.']);
    expect(lasting.closes).toEqual([]);
  });

  it('should let an operation through while the session holds, and refuse it (closing the socket) once it has ended', async () => {
    start();
    const { socket, closes } = follow('s1');
    expect(await sessions.check(socket)).toBeNull();
    ended.add('s1');
    const refusal = await sessions.check(socket);
    expect(refusal?.message).toBe('This session has ended; log in again.');
    expect(refusal?.extensions['code']).toBe('UNAUTHENTICATED');
    await eventually(async () => closes.length > 0);
    expect(closes).toEqual(['This session has ended; log in again.']);
    expect(sessions.size()).toBe(0);
  });

  it('should refuse an operation but keep the socket while sessions cannot be checked', async () => {
    start();
    const { socket, closes } = follow('s1');
    storeAway = true;
    const refusal = await sessions.check(socket);
    expect(refusal?.extensions['code']).toBe('SERVICE_UNAVAILABLE');
    storeAway = false;
    expect(await sessions.check(socket)).toBeNull();
    expect(closes).toEqual([]);
  });

  it('should stop following a socket it was told to forget', async () => {
    start();
    const { socket, closes } = follow('s1');
    const witness = follow('s1');
    sessions.forget(socket);
    await pubsub.publish(TOPICS.sessionRevoked, { sessionId: 's1' });
    // The announcement has arrived once the socket still followed is closed.
    await eventually(async () => witness.closes.length > 0);
    expect(closes).toEqual([]);
    expect(sessions.size()).toBe(0);
  });
});
