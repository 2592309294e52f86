/**
 * Hive Gateway (The Guild's `@graphql-hive/gateway-runtime`) serving Agora's supergraph, as a
 * "stock peer" for side-by-side load tests: Hive's default settings, plus only what is needed to
 * talk to Agora's subgraphs at all (their URLs on this machine, the gateway secret header, and
 * the identity headers passed on as the client sent them: this peer verifies no token, so in the
 * signing burst the load generator sends what Agora's gateway would derive from one).
 *
 * It lives in bench/peers, a standalone npm package, so Hive and its ~140 dependencies never
 * enter the product's dependency tree. Install with `npm ci` in bench/peers, then run:
 *
 *   SUPERGRAPH_PATH=schema/supergraph.graphql GATEWAY_SECRET=… USERS_URL=… (one per subgraph) \
 *     PORT=0 node bench/peers/hiveGateway.mjs
 *
 * Plain JavaScript on purpose: it runs with bare `node`, no tsx and no type-checking of Hive's
 * types against the repo's strict tsconfig.
 */
import { Console } from 'node:console';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import process from 'node:process';
import { ConsoleLogWriter, createGatewayRuntime, Logger } from '@graphql-hive/gateway-runtime';

/** Agora's subgraphs, by their name in the supergraph's `join__graph(name: …)`. */
const SUBGRAPHS = ['users', 'inventory', 'orders', 'financial', 'petitions', 'signatures'];

/** Who is calling, as Agora's subgraphs read it (`INTERNAL_HEADERS` in @agora/service). */
const IDENTITY_HEADERS = ['x-agora-user-id', 'x-agora-session-id'];

/**
 * Hive's header propagation (`propagateHeaders.fromClientToSubgraphs`): the identity headers the
 * client sent, on every subgraph request of its operation. A header the client did not send is
 * left out (Hive skips null values).
 *
 * @param {{ request: Request }} payload
 */
function identityFromClient({ request }) {
  return Object.fromEntries(IDENTITY_HEADERS.map((header) => [header, request.headers.get(header)]));
}

/** @param {string} name */
function requiredEnv(name) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

requiredEnv('GATEWAY_SECRET');
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${port}`);

// The SDL text, not the path: a static supergraph, so Hive neither watches nor polls the file.
const supergraph = await readFile(requiredEnv('SUPERGRAPH_PATH'), 'utf8');

/**
 * Per-subgraph transport settings, merged by Hive over what it reads from the supergraph.
 *
 * URLs: the supergraph's `join__graph` urls are the compose defaults; `<NAME>_URL` replaces the
 * `location` of the subgraph with that name. This is Hive's own knob for it (`transportEntries`),
 * so the supergraph text stays untouched. Hive silently ignores an entry for a name the
 * supergraph lacks, so that case fails here instead.
 *
 * Secret: Agora's subgraphs refuse requests without `x-agora-gateway-secret`. Transport headers
 * are templates that Hive interpolates on every subgraph request, so the header reads the
 * variable (`{env.…}`) rather than embedding the value, which could then never contain `{`.
 *
 * @type {Record<string, { location?: string, headers?: [string, string][] }>}
 */
const transportEntries = { '*': { headers: [['x-agora-gateway-secret', '{env.GATEWAY_SECRET}']] } };
for (const name of SUBGRAPHS) {
  const url = process.env[`${name.toUpperCase()}_URL`];
  if (!url) continue;
  if (!supergraph.includes(`@join__graph(name: "${name}"`)) throw new Error(`no subgraph "${name}" in the supergraph`);
  transportEntries[name] = { location: url };
}

/**
 * Hive's default logger (what `logging: true` builds: level `info`, console writer), but writing
 * to stderr: its writer uses console.info, i.e. stdout, which here carries only the ready line.
 */
const stderrConsole = new Console({ stdout: process.stderr, stderr: process.stderr });
const log = new Logger({ level: 'info', writers: [new ConsoleLogWriter({ console: stderrConsole })] });

// Everything else is Hive's default. Its usage reporting (Hive Console, GraphOS) is only on when
// `reporting` is configured, so nothing here reaches the internet.
const runtime = createGatewayRuntime({
  supergraph,
  transportEntries,
  propagateHeaders: { fromClientToSubgraphs: identityFromClient },
  logging: log,
});
const server = createServer(runtime);

server.listen(port, host, () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`hive gateway listening on http://${urlHost}:${address.port}/graphql\n`);
});

/**
 * Stop on SIGINT/SIGTERM: close the server (and its keep-alive connections, which would hold
 * `close` open), dispose the runtime (subgraph executors, timers), exit 0. Listening to the
 * signals also replaces Node's default of dying at once with code 130/143.
 */
async function stop() {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
  await runtime.dispose();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop());
