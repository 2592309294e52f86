import { ForbiddenError, UnauthenticatedError } from '@agora/errors';
import type { Identity } from './identity.js';

/** The caller, or an UNAUTHENTICATED error when the request carries no identity. */
export function requireViewer(viewer: Identity | null): Identity {
  if (viewer === null) throw new UnauthenticatedError();
  return viewer;
}

/**
 * Lets a request through only when the caller is `userId`: a user reads only their own
 * cart, orders, account, invoices and signatures. `what` names the thing in the error.
 */
export function assertViewerIs(viewer: Identity | null, userId: string, what: string): Identity {
  const caller = requireViewer(viewer);
  if (caller.userId !== userId) throw new ForbiddenError(`You can only see your own ${what}.`);
  return caller;
}
