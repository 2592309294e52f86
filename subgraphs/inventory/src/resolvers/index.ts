import type { Resolvers } from '../__generated__/resolvers.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { ProductConnection } from './ProductConnection.js';
import { Query } from './Query.js';
import { ReservedLine } from './StockReservation.js';

export const resolvers: Resolvers = { Query, Mutation, Product, ProductConnection, ReservedLine };
