import { INTERNAL_HEADERS, identityHeaders, type Identity } from '@agora/service';

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789abcdef';

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface PostOptions {
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A subgraph (served, or as a function) called the way the gateway calls it. */
export interface GatewayCalls {
  /** One operation with the gateway secret, optionally as `identity` from `clientAddress`. */
  request<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity | null,
    clientAddress?: string,
  ): Promise<GraphQLResult<Data>>;
}

/** The headers the gateway sends a subgraph: its secret, the caller's identity and address. */
export function gatewayHeaders(identity: Identity | null, clientAddress?: string): Record<string, string> {
  return {
    [INTERNAL_HEADERS.gatewaySecret]: TEST_GATEWAY_SECRET,
    ...identityHeaders(identity),
    ...(clientAddress === undefined ? {} : { [INTERNAL_HEADERS.clientAddress]: clientAddress }),
  };
}

/** POSTs one GraphQL operation and returns the status with the parsed body. */
export async function postGraphQL<Data = Record<string, unknown>>(
  url: string,
  query: string,
  options: PostOptions = {},
): Promise<GraphQLResult<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const text = await response.text();
  let body: Omit<GraphQLResult<Data>, 'status'>;
  try {
    body = JSON.parse(text) as Omit<GraphQLResult<Data>, 'status'>;
  } catch {
    throw new Error(`Expected JSON from ${url}, got HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, ...body };
}

/** The data of a response that must have succeeded; its errors otherwise, thrown. */
export function dataOf<Data>(result: GraphQLResult<Data>): Data {
  if (result.errors !== undefined && result.errors.length > 0) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  if (result.data === undefined || result.data === null) throw new Error(`No data (HTTP ${result.status})`);
  return result.data;
}

/** The `extensions.code` of each error in a response. */
export function errorCodes(result: GraphQLResult<unknown>): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.['code']);
}

/** argon2id at its cheapest: tests register many users and are not measuring hashing. */
export const TEST_PASSWORD_HASHING = { memoryKib: 1024, timeCost: 1 };
