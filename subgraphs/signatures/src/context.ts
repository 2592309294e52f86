import type { Identity } from '@agora/service';
import type { SignatureCounts } from './domain/signatureCounts.js';
import type { Signing } from './domain/signing.js';
import type { SignatureLoaders } from './store/loaders.js';
import type { SignatureStore } from './store/signatureStore.js';

/** What every signatures resolver gets: the caller and where they call from, this request's loaders, the domain. */
export interface SignaturesContext {
  viewer: Identity | null;
  clientAddress: string | null;
  /** When this request must be answered by (epoch ms, from readDeadline); a read of the petitions log stops there. */
  deadline: number;
  loaders: SignatureLoaders;
  signatures: SignatureStore;
  signing: Signing;
  counts: SignatureCounts;
}
