export { TEST_DATABASE_SERVER, createTestDatabase, uniqueTag, type TestDatabase } from './databases.js';
export {
  TEST_GATEWAY_SECRET,
  TEST_PASSWORD_HASHING,
  dataOf,
  errorCodes,
  postGraphQL,
  type GraphQLResult,
  type PostOptions,
} from './graphql.js';
export { MessageQueue } from './messageQueue.js';
export { TEST_REDIS_URL, testRedisPrefix } from './redis.js';
export { serveTestSubgraph, type TestSubgraph } from './subgraphs.js';
export {
  describeSubgraphContract,
  keyedTypes,
  ownTypeDefinitions,
  type ContractSetup,
  type EntityCase,
} from './subgraphContract.js';
export { eventually } from './eventually.js';
export { inParallel } from './inParallel.js';
export { closedPort, ephemeralRangeStart, freePortsOutsideEphemeralRange } from './ports.js';
export { startFaultProxy, type FaultMode, type FaultProxy } from './faultProxy.js';
export { startTcpFaultProxy, type TcpFaultMode, type TcpFaultProxy } from './tcpFaultProxy.js';
export { routeThroughTcpFaultProxy } from './routeThroughTcpFaultProxy.js';
export { createTestSubscriber, type TestSubscriber, type TestSubscription } from './subscriber.js';
export {
  invokeThroughGcf,
  invokeThroughLambda,
  lambdaHttpEvent,
  startTestFunction,
  type FunctionInvoker,
  type FunctionPlatform,
  type RawFunctionRequest,
  type RawFunctionResponse,
  type TestFunction,
} from './functions.js';
export { describeSubgraphFunctionContract, type FunctionContractSetup } from './functionContract.js';
