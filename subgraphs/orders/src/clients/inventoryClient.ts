import DataLoader from 'dataloader';
import { isUuid } from '@agora/db';
import type { ServiceClient } from '@agora/service';

/** What orders needs to know about a product: its current price and stock. */
export interface ProductInfo {
  id: string;
  name: string;
  priceAmount: number;
  currency: string;
  stock: number;
}

const PRODUCTS_QUERY = /* GraphQL */ `
  query OrdersProductInfo($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Product {
        id
        name
        stock
        price {
          amount
          currency
        }
      }
    }
  }
`;

interface ProductEntity {
  id: string;
  name: string;
  stock: number;
  price: { amount: number; currency: string };
}

/** Reads products from the inventory subgraph, through its own GraphQL endpoint. */
export function createInventoryClient(client: ServiceClient) {
  return {
    /** Products by id, in the order asked; null where inventory knows no such product. */
    async findProducts(ids: readonly string[]): Promise<(ProductInfo | null)[]> {
      const known = ids.filter(isUuid);
      const byId = new Map<string, ProductInfo>();
      if (known.length > 0) {
        const data = await client.request<{ _entities: (ProductEntity | null)[] }>(PRODUCTS_QUERY, {
          representations: known.map((id) => ({ __typename: 'Product', id })),
        });
        for (const entity of data._entities) {
          if (entity !== null) {
            byId.set(entity.id, {
              id: entity.id,
              name: entity.name,
              priceAmount: entity.price.amount,
              currency: entity.price.currency,
              stock: entity.stock,
            });
          }
        }
      }
      return ids.map((id) => byId.get(id) ?? null);
    },
  };
}

export type InventoryClient = ReturnType<typeof createInventoryClient>;

/** One inventory call per request for every product a response needs. */
export function createProductInfoLoader(inventory: InventoryClient): DataLoader<string, ProductInfo | null> {
  return new DataLoader((ids) => inventory.findProducts(ids));
}
