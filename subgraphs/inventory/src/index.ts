// The inventory service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { inventoryDeployment } from './deployment.js';
import { INVENTORY_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({
  service: 'inventory',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'inventory',
  () => serveSubgraphDeployment('inventory', INVENTORY_MIGRATIONS_DIR, inventoryDeployment(process.env), logger),
  { logger },
);
