export { ConfigError, EnvReader, readConfig, type Env } from './envReader.js';
export {
  MIN_GATEWAY_SECRET_LENGTH,
  readDatabaseUrl,
  readServiceConfig,
  readShutdownDelayMs,
  MAX_SHUTDOWN_DELAY_MS,
  readTracingEndpoint,
  type ServiceConfig,
} from './serviceConfig.js';
