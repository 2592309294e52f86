import type { Connection } from '@agora/service';
import type { InvoiceRecord } from '../store/billingStore.js';

/** Parent objects of types that have no record of their own (see codegen.json mappers). */
export interface UserParent {
  id: string;
}

export interface OrderParent {
  id: string;
}

export type InvoiceConnectionParent = Connection<InvoiceRecord>;
