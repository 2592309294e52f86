import { createByIdLoader } from '@agora/db';
import type { UserStore } from './userStore.js';

/** DataLoaders for one request. */
export function createUserLoaders(store: UserStore) {
  return {
    userById: createByIdLoader((ids) => store.findUsersByIds(ids)),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
