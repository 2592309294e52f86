export { isGatewaySecret, refuseWithoutGatewaySecret } from './gatewaySecret.js';
export {
  INTERNAL_HEADERS,
  identityHeaders,
  readClientAddress,
  readIdentity,
  revokedSessionKey,
  type Identity,
} from './identity.js';
export { createLogger, silentLogger, type LogLevel, type Logger, type LoggerOptions } from './logger.js';
export { runService, type RunOptions, type Stoppable } from './runService.js';
export {
  createServiceClient,
  ServiceCallError,
  ServiceNoAnswerError,
  type NoAnswerReason,
  type PooledServiceClient,
  type RequestOptions,
  type ServiceClient,
  type ServiceClientOptions,
} from './serviceClient.js';
export { ANSWER_MARGIN_MS, MAX_REQUEST_DEADLINE_MS, deadlineHeaders, msLeft, readDeadline } from './deadline.js';
export {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  TOKEN_ALGORITHM,
  generateSigningKeys,
  type SigningKeys,
} from './signingKeys.js';
export {
  DEFAULT_HTTP_TIMEOUTS,
  serveGraphQL,
  type GraphQLServerOptions,
  type HttpTimeouts,
  type RunningServer,
} from './http/httpServer.js';
export type { EdgeRequest } from './http/edge.js';
export { errorResponse, jsonResponse, type EdgeResponse } from './http/edgeResponse.js';
export type { CorsPolicy } from './http/cors.js';
export { connectableHost, isWildcardHost } from './hosts.js';
export {
  createByteBoundedCache,
  createDocumentStore,
  documentHeapBytes,
  type ByteBoundedCache,
  type ByteBoundedCacheOptions,
} from './byteBoundedCache.js';
export {
  SUBGRAPH_DOCUMENT_CACHE_BYTES,
  SUBGRAPH_MAX_BODY_BYTES,
  createRequestContext,
  createSubgraphApollo,
  serveSubgraph,
  type ServeOptions,
  type SubgraphDefinition,
} from './subgraphServer.js';
export {
  createFunctionLogger,
  createSubgraphFunction,
  readFunctionPoolSettings,
  type FunctionPoolSettings,
  type SubgraphFunction,
  type SubgraphFunctionOptions,
  type TickReport,
} from './functions/subgraphFunction.js';
export type { GcfHandler, GcfRequest, GcfResponse } from './functions/gcfHandler.js';
export type { LambdaHandler, LambdaHttpEvent, LambdaHttpResult } from './functions/lambdaHandler.js';
export { DateTimeScalar } from './dateTime.js';
export { buildSchemaFromFile } from './buildSchema.js';
export { openDatabase, type OpenDatabaseOptions } from './openDatabase.js';
export { startSubgraphService, type SubgraphServiceOptions } from './startSubgraphService.js';
export { requireRedisUrl } from './requireRedis.js';
export {
  MAX_PAGE_SIZE,
  readPageRequest,
  toConnection,
  type Connection,
  type CursorKey,
  type PageInfo,
  type PageRequest,
} from './pagination.js';
export { assertViewerIs, requireViewer } from './authorization.js';
export { createBatcher, type Batcher, type BatcherOptions } from './batcher.js';
export {
  addressCheck,
  addressLimitKey,
  firstExceededLimit,
  reserveWithinLimits,
  userAndAddressChecks,
  type RateLimitCheck,
  type RateLimitExceeded,
  type RateLimitReservation,
  type WhenLimitsUnavailable,
} from './rateLimits.js';
export { createServiceMetrics, type ServiceMetrics } from './telemetry/metrics.js';
export { operationMetricsPlugin, serveMetrics, type TraceTrust } from './telemetry/http.js';
export {
  createMemorySpanExporter,
  propagationHeaders,
  startTracing,
  tracer,
  type Tracing,
  type TracingOptions,
} from './telemetry/tracing.js';
export { REQUEST_ID_HEADER, currentRequestId, requestIdFrom, runInRequestScope } from './telemetry/requestScope.js';
export { serveSubgraphDeployment, type SubgraphDeployment } from './subgraphDeployment.js';
