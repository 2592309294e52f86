import { DateTimeScalar } from '@agora/service';
import type { Resolvers } from '../__generated__/resolvers.js';
import { Mutation } from './Mutation.js';
import { Petition, PetitionConnection, User } from './Petition.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  Petition,
  PetitionConnection,
  User,
};
