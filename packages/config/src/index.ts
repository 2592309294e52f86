export { ConfigError, EnvReader, readConfig, type Env } from './envReader.js';
export { MIN_GATEWAY_SECRET_LENGTH, readDatabaseUrl, readServiceConfig, type ServiceConfig } from './serviceConfig.js';
