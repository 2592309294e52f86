// The petitions service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { petitionsDeployment } from './deployment.js';
import { PETITIONS_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({
  service: 'petitions',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'petitions',
  () =>
    serveSubgraphDeployment('petitions', PETITIONS_MIGRATIONS_DIR, petitionsDeployment(process.env, logger), logger),
  { logger },
);
