import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers only the gateway sets. The gateway builds every subgraph request from scratch,
 * so a client's copy of these never reaches a subgraph.
 */
export const INTERNAL_HEADERS = {
  gatewaySecret: 'x-agora-gateway-secret',
  userId: 'x-agora-user-id',
  sessionId: 'x-agora-session-id',
  /** The client's network address as the gateway determined it (for per-address limits). */
  clientAddress: 'x-agora-client-address',
  /**
   * Milliseconds the caller still waits for this answer (what is left of its own deadline),
   * read by `readDeadline`; every call between our processes carries one.
   */
  deadlineMs: 'x-agora-deadline-ms',
} as const;

/** Who is calling, as verified by the gateway from the caller's token. */
export interface Identity {
  userId: string;
  sessionId: string;
}

export function readIdentity(headers: IncomingHttpHeaders): Identity | null {
  const userId = headers[INTERNAL_HEADERS.userId];
  const sessionId = headers[INTERNAL_HEADERS.sessionId];
  if (typeof userId !== 'string' || typeof sessionId !== 'string') return null;
  if (userId === '' || sessionId === '') return null;
  return { userId, sessionId };
}

/** The client address the gateway forwarded, or null (a call not from the gateway). */
export function readClientAddress(headers: IncomingHttpHeaders): string | null {
  const address = headers[INTERNAL_HEADERS.clientAddress];
  return typeof address === 'string' && address !== '' ? address : null;
}

export function identityHeaders(identity: Identity | null): Record<string, string> {
  if (identity === null) return {};
  return { [INTERNAL_HEADERS.userId]: identity.userId, [INTERNAL_HEADERS.sessionId]: identity.sessionId };
}

/**
 * Key (under the deployment's prefix) marking a session revoked until its tokens expire.
 * `users` writes it on logout; the gateway refuses tokens of that session.
 */
export function revokedSessionKey(sessionId: string): string {
  return `users:revoked-session:${sessionId}`;
}
