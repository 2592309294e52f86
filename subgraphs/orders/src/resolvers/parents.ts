import type { Connection } from '@agora/service';
import type { OrderRecord } from '../store/orderStore.js';

/** Parent objects of types that have no record of their own (see codegen.json mappers). */
export interface CartParent {
  userId: string;
}

export interface UserParent {
  id: string;
}

export type OrderConnectionParent = Connection<OrderRecord>;
