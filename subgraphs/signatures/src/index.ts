// The signatures service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { signaturesDeployment } from './deployment.js';
import { SIGNATURES_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({
  service: 'signatures',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'signatures',
  () =>
    serveSubgraphDeployment('signatures', SIGNATURES_MIGRATIONS_DIR, signaturesDeployment(process.env, logger), logger),
  { logger },
);
