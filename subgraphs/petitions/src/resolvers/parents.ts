import type { Connection } from '@agora/service';
import type { PetitionRecord } from '../store/petitionStore.js';

/** Parent objects of types that have no record of their own (see codegen.json mappers). */
export interface UserParent {
  id: string;
}

export type PetitionConnectionParent = Connection<PetitionRecord>;
