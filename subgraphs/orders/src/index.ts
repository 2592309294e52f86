// The orders service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { ordersDeployment } from './deployment.js';
import { ORDERS_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({ service: 'orders', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

await runService(
  'orders',
  () => serveSubgraphDeployment('orders', ORDERS_MIGRATIONS_DIR, ordersDeployment(process.env, logger), logger),
  { logger },
);
