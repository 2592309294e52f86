import type { Connection } from '@agora/service';
import type { ProductRecord } from '../store/productStore.js';

/** Parent objects of the connection types (see codegen.json mappers). */
export type ProductConnectionParent = Connection<ProductRecord>;
