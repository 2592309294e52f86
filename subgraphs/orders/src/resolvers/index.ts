import { DateTimeScalar } from '@agora/service';
import type { Resolvers } from '../__generated__/resolvers.js';
import { Cart, CartItem } from './Cart.js';
import { Mutation } from './Mutation.js';
import { Order, OrderConnection, OrderLine } from './Order.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Mutation,
  User,
  Cart,
  CartItem,
  Order,
  OrderLine,
  OrderConnection,
};
