import type { UserRecord } from '../store/userStore.js';

/**
 * What User resolvers receive: the record, marked when the response is addressed to
 * that user themself (their own register or login), who may see their email even though
 * the request carried no token yet.
 */
export interface UserParent extends UserRecord {
  shownToSelf?: true;
}
