import type { Connection } from '@agora/service';

/** Parent objects of types that have no record of their own (see codegen.json mappers). */
export interface UserParent {
  id: string;
}

/** A petition as signatures knows it: by id only (petitions owns the rest). */
export interface PetitionParent {
  id: string;
}

export type PetitionConnectionParent = Connection<PetitionParent>;
