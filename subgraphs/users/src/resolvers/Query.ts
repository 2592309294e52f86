import { isUuid } from '@agora/db';
import type { QueryResolvers } from '../__generated__/resolvers.js';

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer, loaders }) => (viewer === null ? null : loaders.userById.load(viewer.userId)),
  sessionActive: (_parent, { userId, sessionId }, { store }) =>
    isUuid(userId) && isUuid(sessionId) ? store.isSessionActive(sessionId, userId) : false,
};
