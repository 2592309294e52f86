import type { ReservedLineResolvers } from '../__generated__/resolvers.js';

export const ReservedLine: ReservedLineResolvers = {
  unitPrice: (line) => ({ amount: line.unitPriceAmount, currency: line.currency }),
};
