import DataLoader from 'dataloader';
import { isUuid } from '@agora/db';
import type { RequestOptions, ServiceClient } from '@agora/service';

/** What orders needs to know about a product: its current price and stock. */
export interface ProductInfo {
  id: string;
  name: string;
  priceAmount: number;
  currency: string;
  stock: number;
}

export interface StockLine {
  productId: string;
  quantity: number;
}

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'RESTOCKED';

export interface Reservation {
  status: ReservationStatus;
  lines: { productId: string; quantity: number; unitPriceAmount: number; currency: string }[];
}

export type ReserveOutcome =
  | { kind: 'reservation'; reservation: Reservation }
  | { kind: 'shortage'; productId: string; requested: number; available: number };

interface ReservationEntity {
  __typename: 'StockReservation';
  status: ReservationStatus;
  lines: { productId: string; quantity: number; unitPrice: { amount: number; currency: string } }[];
}

interface ShortageEntity {
  __typename: 'StockShortage';
  productId: string;
  requested: number;
  available: number;
}

const RESERVATION_FIELDS = 'status lines { productId quantity unitPrice { amount currency } }';

const RESERVE_MUTATION = /* GraphQL */ `
  mutation OrdersReserveStock($orderId: ID!, $lines: [StockLineInput!]!) {
    reserveStock(orderId: $orderId, lines: $lines) {
      __typename
      ... on StockReservation { ${RESERVATION_FIELDS} }
      ... on StockShortage { productId requested available }
    }
  }
`;

function changeMutation(field: 'releaseStock' | 'commitStock' | 'restockOrder'): string {
  return `mutation ($orderId: ID!) { ${field}(orderId: $orderId) { __typename ${RESERVATION_FIELDS} } }`;
}

function toReservation(entity: ReservationEntity): Reservation {
  return {
    status: entity.status,
    lines: entity.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPriceAmount: line.unitPrice.amount,
      currency: line.unitPrice.currency,
    })),
  };
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

/**
 * Calls the inventory subgraph through its own GraphQL endpoint: product reads for carts,
 * and the stock reservation steps of the checkout saga (each idempotent per order, so safe
 * to retry).
 */
export function createInventoryClient(client: ServiceClient) {
  return {
    /** Products by id, in the order asked; null where inventory knows no such product. */
    async findProducts(ids: readonly string[], options?: RequestOptions): Promise<(ProductInfo | null)[]> {
      const known = ids.filter(isUuid);
      const byId = new Map<string, ProductInfo>();
      if (known.length > 0) {
        const data = await client.request<{ _entities: (ProductEntity | null)[] }>(
          PRODUCTS_QUERY,
          { representations: known.map((id) => ({ __typename: 'Product', id })) },
          options,
        );
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

    /** Takes the lines from stock for the order, all or none; idempotent per order. */
    async reserveStock(
      orderId: string,
      lines: readonly StockLine[],
      options?: RequestOptions,
    ): Promise<ReserveOutcome> {
      const data = await client.request<{ reserveStock: ReservationEntity | ShortageEntity }>(
        RESERVE_MUTATION,
        { orderId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) },
        options,
      );
      const result = data.reserveStock;
      if (result.__typename === 'StockShortage') {
        return {
          kind: 'shortage',
          productId: result.productId,
          requested: result.requested,
          available: result.available,
        };
      }
      return { kind: 'reservation', reservation: toReservation(result) };
    },

    /** Gives the order's units back (or fences an order that never reserved). */
    async releaseStock(orderId: string, options?: RequestOptions): Promise<Reservation> {
      const data = await client.request<{ releaseStock: ReservationEntity }>(
        changeMutation('releaseStock'),
        { orderId },
        options,
      );
      return toReservation(data.releaseStock);
    },

    /** Marks the order's units sold. */
    async commitStock(orderId: string, options?: RequestOptions): Promise<Reservation | null> {
      const data = await client.request<{ commitStock: ReservationEntity | null }>(
        changeMutation('commitStock'),
        { orderId },
        options,
      );
      return data.commitStock === null ? null : toReservation(data.commitStock);
    },

    /** Returns a sold order's units to stock. */
    async restockOrder(orderId: string, options?: RequestOptions): Promise<Reservation | null> {
      const data = await client.request<{ restockOrder: ReservationEntity | null }>(
        changeMutation('restockOrder'),
        { orderId },
        options,
      );
      return data.restockOrder === null ? null : toReservation(data.restockOrder);
    },
  };
}

export type InventoryClient = ReturnType<typeof createInventoryClient>;

/** One inventory call per request for every product a response needs, within the request's `deadline` (epoch ms). */
export function createProductInfoLoader(
  inventory: InventoryClient,
  deadline: number,
): DataLoader<string, ProductInfo | null> {
  return new DataLoader((ids) => inventory.findProducts(ids, { deadline }));
}
