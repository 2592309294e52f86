// The users service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, serveSubgraphDeployment } from '@agora/service';
import { usersDeployment } from './deployment.js';
import { USERS_MIGRATIONS_DIR } from './subgraph.js';

const logger = createLogger({ service: 'users', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

await runService(
  'users',
  () => serveSubgraphDeployment('users', USERS_MIGRATIONS_DIR, usersDeployment(process.env, logger), logger),
  { logger },
);
