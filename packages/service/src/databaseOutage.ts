import type { GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '@agora/db';
import { ErrorCode } from '@agora/errors';

/**
 * A request that failed because the subgraph's database could not be reached (a restart, a
 * failover, a cut connection) is answered SERVICE_UNAVAILABLE, which clients may retry, not a
 * masked INTERNAL_SERVER_ERROR; the driver's message, which may name hosts, stays out. Errors
 * raised with a code of their own are left as they are.
 */
export function answerDatabaseOutage(
  formatted: GraphQLFormattedError,
  error: unknown,
  service: string,
): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (code !== undefined && code !== ErrorCode.InternalServerError) return formatted;
  if (!isDatabaseUnavailable(thrownBy(error))) return formatted;
  return {
    ...formatted,
    message: `The ${service} database is unavailable; try again in a moment.`,
    extensions: { code: ErrorCode.ServiceUnavailable },
  };
}

/**
 * What a resolver threw: Apollo hands over the GraphQLError wrapping it, and graphql-js wraps
 * a thrown value that is not an Error of its own realm (a socket's error, under a test
 * runner's VM) once more, in a NonErrorThrown holding it.
 */
function thrownBy(error: unknown): unknown {
  const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
  const wrapped = original as { name?: unknown; thrownValue?: unknown } | null;
  return wrapped?.name === 'NonErrorThrown' ? wrapped.thrownValue : original;
}
