import { fileURLToPath } from 'node:url';
import type { PubSub } from '@agora/adapters';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type Logger, type ServiceClient, type SubgraphDefinition } from '@agora/service';
import { createPetitionsClient } from './clients/petitionsClient.js';
import type { SignaturesContext } from './context.js';
import { createPetitionReplica } from './domain/petitionReplica.js';
import { createSigning } from './domain/signing.js';
import { resolvers } from './resolvers/index.js';
import { createSignatureLoaders } from './store/loaders.js';
import { createReplicaStore } from './store/replicaStore.js';
import { createSignatureStore } from './store/signatureStore.js';

export { SIGNATURES_DEFAULT_PORT, loadSignaturesConfig, type SignaturesConfig } from './config.js';

export const SIGNATURES_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const SIGNATURES_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface SignaturesDeps {
  db: Db;
  /** Brings petition launches and closes. */
  pubsub: PubSub;
  /** Calls the petitions subgraph (its lifecycle log). */
  petitions: ServiceClient;
  logger: Logger;
  replicaSyncIntervalMs: number;
}

/** Builds the signatures subgraph: signing and counts. Starts its replica when served. */
export function createSignaturesSubgraph(deps: SignaturesDeps): SubgraphDefinition<SignaturesContext> {
  const signatures = createSignatureStore(deps.db);
  const replicas = createReplicaStore(deps.db);
  const replica = createPetitionReplica({
    store: replicas,
    petitions: createPetitionsClient(deps.petitions),
    pubsub: deps.pubsub,
    logger: deps.logger,
    syncIntervalMs: deps.replicaSyncIntervalMs,
  });
  const signing = createSigning({ signatures, replica });
  return {
    name: 'signatures',
    schema: buildSchemaFromFile(SIGNATURES_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({
      viewer,
      signatures,
      signing,
      loaders: createSignatureLoaders(signatures, viewer?.userId ?? null),
    }),
    checkReadiness: async () => {
      await deps.db.query('SELECT 1');
    },
    start: () => replica.start(),
    stop: () => replica.stop(),
  };
}
