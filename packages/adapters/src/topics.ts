/**
 * The pub/sub topics services share, and the messages on them: the contract between a
 * publisher in one subgraph and its consumers elsewhere.
 */
export const TOPICS = {
  /** `petitions` publishes every launch and close; `signatures` keeps its replica from them. */
  petitionLifecycle: 'petitions:lifecycle',
  /** `signatures` publishes a petition's count after each commit that changed it; gateways push it to watchers. */
  signatureCount: (petitionId: string) => `signatures:count:${petitionId}`,
  /** `users` publishes every logout; gateways close the sockets of that session at once. */
  sessionRevoked: 'users:session-revoked',
} as const;

/** A session that has ended: its tokens are refused from now on. */
export interface SessionRevokedEvent {
  sessionId: string;
}

export function isSessionRevokedEvent(message: unknown): message is SessionRevokedEvent {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as Record<string, unknown>)['sessionId'] === 'string'
  );
}

/** A petition's signature count after a commit. */
export interface SignatureCountEvent {
  petitionId: string;
  signatureCount: number;
}

export function isSignatureCountEvent(message: unknown): message is SignatureCountEvent {
  if (typeof message !== 'object' || message === null) return false;
  const event = message as Record<string, unknown>;
  return typeof event['petitionId'] === 'string' && Number.isSafeInteger(event['signatureCount']);
}

export type LifecycleStatus = 'OPEN' | 'CLOSED';

/** A launch or close, numbered without gaps so a consumer can tell when it missed one. */
export interface PetitionLifecycleEvent {
  sequence: number;
  petitionId: string;
  status: LifecycleStatus;
}

export function isPetitionLifecycleEvent(message: unknown): message is PetitionLifecycleEvent {
  if (typeof message !== 'object' || message === null) return false;
  const event = message as Record<string, unknown>;
  return (
    Number.isSafeInteger(event['sequence']) &&
    (event['sequence'] as number) > 0 &&
    typeof event['petitionId'] === 'string' &&
    (event['status'] === 'OPEN' || event['status'] === 'CLOSED')
  );
}
