export { ConfigError, EnvReader, readConfig, type Env } from './envReader.js';
export {
  MIN_GATEWAY_SECRET_LENGTH,
  readDatabaseUrl,
  readServiceConfig,
  readTracingEndpoint,
  type ServiceConfig,
} from './serviceConfig.js';
