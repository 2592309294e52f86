import { isUuid } from '@agora/db';
import type { InputProblem } from '@agora/errors';
import type { ProductInfo } from '../clients/inventoryClient.js';
import type { CartStore } from '../store/cartStore.js';

/** Units of one product a cart line may hold. */
export const MAX_LINE_QUANTITY = 100;

export type AddItemOutcome =
  | { kind: 'added' }
  | { kind: 'productNotFound'; productId: string }
  | { kind: 'insufficientStock'; product: ProductInfo; requested: number }
  | { kind: 'invalidInput'; problem: InputProblem };

export interface CartDeps {
  carts: CartStore;
  findProduct(id: string): Promise<ProductInfo | null>;
}

export function checkQuantity(quantity: number): InputProblem | null {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    return { field: 'quantity', message: `Quantity must be between 1 and ${MAX_LINE_QUANTITY}, got ${quantity}.` };
  }
  return null;
}

/** Cart rules: a known product, a sane quantity, no more units than inventory has. */
export function createCart(deps: CartDeps) {
  return {
    async addItem(userId: string, productId: string, quantity: number): Promise<AddItemOutcome> {
      const problem = checkQuantity(quantity);
      if (problem !== null) return { kind: 'invalidInput', problem };
      const product = isUuid(productId) ? await deps.findProduct(productId) : null;
      if (product === null) return { kind: 'productNotFound', productId };

      const existing = await deps.carts.findCartItem(userId, productId);
      const requested = (existing?.quantity ?? 0) + quantity;
      if (requested > product.stock) return { kind: 'insufficientStock', product, requested };
      if (requested > MAX_LINE_QUANTITY) {
        return {
          kind: 'invalidInput',
          problem: {
            field: 'quantity',
            message: `A cart line holds at most ${MAX_LINE_QUANTITY} units; this would make ${requested}.`,
          },
        };
      }
      const line = await deps.carts.addToLine(userId, productId, quantity, MAX_LINE_QUANTITY);
      if (line === null) {
        // Another request filled the line between our read and this write.
        return {
          kind: 'invalidInput',
          problem: { field: 'quantity', message: `A cart line holds at most ${MAX_LINE_QUANTITY} units.` },
        };
      }
      return { kind: 'added' };
    },

    async removeItem(userId: string, productId: string): Promise<void> {
      if (isUuid(productId)) await deps.carts.removeLine(userId, productId);
    },
  };
}

export type Cart = ReturnType<typeof createCart>;
