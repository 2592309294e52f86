// The financial service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { financialDeployment } from './deployment.js';
import { FINANCIAL_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({
  service: 'financial',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'financial',
  () => serveSubgraphDeployment('financial', FINANCIAL_MIGRATIONS_DIR, financialDeployment(process.env), logger),
  { logger },
);
