import type { UserResolvers } from '../__generated__/resolvers.js';

export const User: UserResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.userById.load(id),
  email: (user, _args, { viewer }) => (user.shownToSelf === true || viewer?.userId === user.id ? user.email : null),
};
