// Requests as the load generator sends them, and the checks on their answers.
import { createHash } from 'node:crypto';
import type { HttpRequest } from '../load/closedLoop.js';

/** A POST of one operation, as most clients send it. */
export function postRequest(
  path: string,
  query: string,
  variables?: Record<string, unknown>,
  headers = {},
): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
  };
}

/**
 * A GET carrying only the hash of an operation the gateway already knows (automatic
 * persisted queries): short, and cacheable by URL. The header satisfies Apollo's CSRF
 * prevention, which refuses "simple" GETs.
 */
export function persistedGetRequest(path: string, query: string): HttpRequest {
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }));
  return { method: 'GET', path: `${path}?extensions=${extensions}`, headers: { 'apollo-require-preflight': 'true' } };
}

/** The same GET with the query text, which registers the hash on first use. */
export function registeringGetRequest(path: string, query: string): HttpRequest {
  const persisted = persistedGetRequest(path, query);
  return { ...persisted, path: `${persisted.path}&query=${encodeURIComponent(query)}` };
}

/** The `data` of a 200 answer without errors, or undefined. */
export function dataOfAnswer(status: number, body: string): Record<string, unknown> | undefined {
  if (status !== 200) return undefined;
  try {
    const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    return parsed.errors === undefined && parsed.data !== null ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
