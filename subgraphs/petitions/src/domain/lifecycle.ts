import { UnreachableCaseError } from '@agora/errors';

export type PetitionStatus = 'CREATED' | 'OPEN' | 'CLOSED';

/** What can happen to a petition after it is drafted. */
export type PetitionChange = 'update' | 'launch' | 'close';

/**
 * The petition state machine: a draft may be edited and launched; an open petition may
 * only be closed; a closed one never changes. Returns the status after the change, or
 * null when the change is not allowed from `status`.
 */
export function nextStatus(status: PetitionStatus, change: PetitionChange): PetitionStatus | null {
  switch (change) {
    case 'update':
      return status === 'CREATED' ? 'CREATED' : null;
    case 'launch':
      return status === 'CREATED' ? 'OPEN' : null;
    case 'close':
      return status === 'OPEN' ? 'CLOSED' : null;
    default:
      throw new UnreachableCaseError(change);
  }
}

/** Why a change was refused, in words naming the status. */
export function describeRefusal(status: PetitionStatus, change: PetitionChange): string {
  switch (change) {
    case 'update':
      return `Only a draft can be edited; this petition is ${status}.`;
    case 'launch':
      return `Only a draft can be launched; this petition is ${status}.`;
    case 'close':
      return `Only an open petition can be closed; this petition is ${status}.`;
    default:
      throw new UnreachableCaseError(change);
  }
}
