import type { Resolvers } from '../__generated__/resolvers.js';
import { Product } from './Product.js';
import { ProductConnection } from './ProductConnection.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Product, ProductConnection };
