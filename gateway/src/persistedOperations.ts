// The operation allow-list (PERSISTED_OPERATIONS_FILE): the gateway runs only the operations
// listed in a manifest, by the SHA-256 of their text, as sent by the apps it serves. Anything
// else is refused before Apollo parses it, so clients cannot fill the document and plan caches
// with documents of their own, nor try operations the apps never send.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { jsonResponse, type EdgeRequest, type EdgeResponse } from '@agora/service';
import { GraphQLError } from 'graphql';

/** Apollo's code for an operation outside the list (the name its router uses). */
export const NOT_IN_LIST_CODE = 'PERSISTED_QUERY_NOT_IN_LIST';

/** The operations a gateway may run, from a manifest. */
export interface PersistedOperations {
  /** The text listed under this SHA-256 (lowercase hex), if any. */
  bodyOf(hash: string): string | undefined;
  readonly size: number;
}

interface ManifestOperation {
  id: string;
  body: string;
}

const FORMAT = 'apollo-persisted-query-manifest';

/**
 * Reads a manifest in the format of Apollo's persisted query lists (what
 * `@apollo/generate-persisted-query-manifest` writes): `{ "format":
 * "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type",
 * "body" }] }`, where each `id` is the SHA-256 (hex) of its `body`. Throws naming what is wrong.
 */
export function parsePersistedOperations(json: string, source: string): PersistedOperations {
  const fail = (problem: string): never => {
    throw new Error(`PERSISTED_OPERATIONS_FILE ${source}: ${problem}`);
  };
  let manifest: unknown;
  try {
    manifest = JSON.parse(json);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const { format, version, operations } = (manifest ?? {}) as Record<string, unknown>;
  if (format !== FORMAT || version !== 1) fail(`expected "format": "${FORMAT}" and "version": 1`);
  if (!Array.isArray(operations)) return fail('expected an "operations" array');
  const bodies = new Map<string, string>();
  for (const [index, operation] of operations.entries()) {
    const { id, body } = (operation ?? {}) as Partial<Record<keyof ManifestOperation, unknown>>;
    if (typeof id !== 'string' || typeof body !== 'string')
      return fail(`operation ${index} needs a string "id" and "body"`);
    if (sha256(body) !== id) return fail(`operation ${index}: "id" ${id.slice(0, 64)} is not the SHA-256 of its body`);
    bodies.set(id, body);
  }
  return { bodyOf: (hash) => bodies.get(hash), size: bodies.size };
}

export async function loadPersistedOperations(file: string): Promise<PersistedOperations> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`PERSISTED_OPERATIONS_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  return parsePersistedOperations(json, file);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a request names: its text (`query`) and its `extensions` (a persisted query's hash). */
export interface OperationRequest {
  query?: unknown;
  extensions?: unknown;
}

/**
 * The text a request may run: the listed text for its hash, or its own text when listed.
 * Anything else is refused. A request naming no operation at all is left to the server,
 * which refuses it without parsing anything (undefined).
 */
export function findListedOperation(
  operations: PersistedOperations,
  request: OperationRequest,
): string | GraphQLError | undefined {
  const { persistedQuery } = (request.extensions ?? {}) as { persistedQuery?: { sha256Hash?: unknown } };
  const hash = persistedQuery?.sha256Hash;
  const query = request.query === '' || request.query === null ? undefined : request.query;
  if (hash === undefined && query === undefined) return undefined;
  const listed =
    typeof hash === 'string'
      ? operations.bodyOf(hash)
      : typeof query === 'string' && hash === undefined
        ? operations.bodyOf(sha256(query))
        : undefined;
  if (listed !== undefined && (query === undefined || query === listed)) return listed;
  return notListed(typeof hash === 'string' && query === undefined ? hash : undefined);
}

function notListed(hash: string | undefined): GraphQLError {
  return new GraphQLError(
    hash === undefined
      ? 'This operation is not listed: this gateway runs only its persisted operations.'
      : `No operation with hash ${hash.slice(0, 64)} is listed: this gateway runs only its persisted operations.`,
    { extensions: { code: NOT_IN_LIST_CODE } },
  );
}

/** A GET's `query` and `extensions`, read as Apollo reads them (a repeated parameter is no value). */
function searchParamsOf(search: string): OperationRequest {
  const params = new URLSearchParams(search);
  const [query, ...moreQueries] = params.getAll('query');
  const [extensions, ...moreExtensions] = params.getAll('extensions');
  let parsed: unknown;
  try {
    parsed = extensions === undefined || moreExtensions.length > 0 ? undefined : JSON.parse(extensions);
  } catch {
    parsed = undefined;
  }
  return { query: moreQueries.length > 0 ? params.getAll('query') : query, extensions: parsed };
}

/**
 * The edge's check once the body is read, before Apollo: a request for an operation outside
 * the list is answered at once with HTTP 400 and PERSISTED_QUERY_NOT_IN_LIST, and so is a body
 * that is not JSON (the edge reads only JSON; anything else arrives here as no body).
 */
export function refuseUnlistedOperations(
  operations: PersistedOperations,
): (request: EdgeRequest, body: unknown) => EdgeResponse | undefined {
  return (request, body) => {
    // Every operation a request holds is checked (a batch's too, should batching be turned on),
    // and a body that could not be read as JSON is refused rather than left to Apollo.
    const requests: unknown[] =
      request.method === 'GET' ? [searchParamsOf(request.search)] : Array.isArray(body) ? body : [body];
    for (const operation of requests) {
      const found =
        typeof operation === 'object' && operation !== null
          ? findListedOperation(operations, operation as OperationRequest)
          : notListed(undefined);
      if (found instanceof GraphQLError) return jsonResponse(400, { errors: [found.toJSON()] });
    }
    return undefined;
  };
}

/**
 * Apollo's persisted query cache when only listed operations run: the list itself. A hash is
 * found whatever prefix Apollo puts before it (its last 64 characters); nothing is registered.
 */
export function createListedOperationsCache(operations: PersistedOperations) {
  return {
    get: async (key: string): Promise<string | undefined> => operations.bodyOf(key.slice(-64)),
    // Nothing a client sends is kept: only the list answers.
    set: async (_key: string, _text: string): Promise<void> => {},
    delete: async (): Promise<boolean> => false,
  };
}
