import { fileURLToPath } from 'node:url';
import type { PubSub, RankedSet, RateLimiter } from '@agora/adapters';
import type { Db } from '@agora/db';
import { Histogram } from 'prom-client';
import {
  buildSchemaFromFile,
  type Logger,
  type ServiceClient,
  type ServiceMetrics,
  type SubgraphDefinition,
} from '@agora/service';
import { createPetitionsClient } from './clients/petitionsClient.js';
import type { SigningSettings } from './config.js';
import type { SignaturesContext } from './context.js';
import { createPetitionReplica } from './domain/petitionReplica.js';
import { createSignatureCounts } from './domain/signatureCounts.js';
import { createSigning } from './domain/signing.js';
import { resolvers } from './resolvers/index.js';
import { createSignatureLoaders } from './store/loaders.js';
import { createReplicaStore } from './store/replicaStore.js';
import { createSignatureStore } from './store/signatureStore.js';

export {
  SIGNATURES_DEFAULT_PORT,
  loadSignaturesConfig,
  readSigningSettings,
  type SignaturesConfig,
  type SigningSettings,
} from './config.js';

export const SIGNATURES_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const SIGNATURES_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface SignaturesDeps {
  db: Db;
  /** Brings petition launches and closes; carries count changes to the gateways. */
  pubsub: PubSub;
  /** Where counts and the ranking are kept for reading (Redis). */
  rankedSets: RankedSet;
  rateLimiter: RateLimiter;
  /** Calls the petitions subgraph (its lifecycle log). */
  petitions: ServiceClient;
  logger: Logger;
  settings: SigningSettings;
  /** The service's metrics; signing adds its group-commit sizes. */
  metrics: ServiceMetrics;
}

/** Builds the signatures subgraph: signing and counts. Starts its replica and reconciliation when served. */
export function createSignaturesSubgraph(deps: SignaturesDeps): SubgraphDefinition<SignaturesContext> {
  const signatures = createSignatureStore(deps.db);
  const counts = createSignatureCounts({
    store: signatures,
    rankedSets: deps.rankedSets,
    pubsub: deps.pubsub,
    logger: deps.logger,
    source: deps.settings.countsSource,
  });
  const replica = createPetitionReplica({
    store: createReplicaStore(deps.db),
    petitions: createPetitionsClient(deps.petitions),
    pubsub: deps.pubsub,
    logger: deps.logger,
    syncIntervalMs: deps.settings.replicaSyncIntervalMs,
    onApplied: (events) => counts.lifecycleApplied(events),
  });
  const signing = createSigning({
    signatures,
    replica,
    counts,
    rateLimiter: deps.rateLimiter,
    limits: deps.settings.limits,
    logger: deps.logger,
    maxBatch: deps.settings.maxBatch,
    recordBatch: batchSizeRecorder(deps.metrics),
    replicaMaxAgeMs: deps.settings.replicaMaxAgeMs,
  });
  let reconciler: NodeJS.Timeout | undefined;
  const reconcile = () =>
    counts
      .reconcile()
      .catch((error: unknown) => deps.logger.warn('could not reconcile counts; will try again', { error }));
  return {
    name: 'signatures',
    schema: buildSchemaFromFile(SIGNATURES_SCHEMA_PATH, resolvers),
    createContext: (viewer, { clientAddress, deadline }) => ({
      viewer,
      clientAddress,
      deadline,
      signatures,
      signing,
      counts,
      loaders: createSignatureLoaders(signatures, counts, viewer?.userId ?? null),
    }),
    checkReadiness: () => deps.db.ping(),
    start: async () => {
      await replica.start();
      await reconcile();
      reconciler = setInterval(() => void reconcile(), deps.settings.reconcileIntervalMs);
      reconciler.unref();
    },
    stop: async () => {
      clearInterval(reconciler);
      counts.stop();
      await replica.stop();
    },
    // Without a subscription, reading the log is how launches and closes arrive.
    tick: async () => {
      await replica.catchUp();
      await reconcile();
    },
  };
}

/** Signatures per group commit: how well a burst is being folded into few transactions. */
function batchSizeRecorder(metrics: ServiceMetrics): (size: number) => void {
  const sizes = new Histogram({
    name: 'agora_signature_batch_size',
    help: 'Sign requests committed together in one transaction.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [metrics.registry],
  });
  return (size) => sizes.observe(size);
}
