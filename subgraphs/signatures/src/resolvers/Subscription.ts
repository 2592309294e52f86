import { NotImplementedError } from '@agora/errors';
import type { SubscriptionResolvers } from '../__generated__/resolvers.js';

export const Subscription: SubscriptionResolvers = {
  signatureCountChanged: {
    subscribe: () => {
      throw new NotImplementedError('signatureCountChanged');
    },
  },
};
