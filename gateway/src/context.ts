import type { Identity } from '@agora/service';

/** The gateway's per-request context: the caller its token names, if any. */
export interface GatewayContext {
  identity: Identity | null;
}
