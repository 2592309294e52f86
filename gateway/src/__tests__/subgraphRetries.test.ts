// A subgraph restarting, or a pod going away behind its Service, refuses or resets the
// gateway's connection: a read is sent once more and answered, a mutation never is, and a
// subgraph that stays down is named within the deadline. The faults are real sockets reset
// (by the probe itself or by the TCP fault proxy), not mocks.
import http from 'node:http';
import net from 'node:net';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { generateSigningKeys, type RunningServer } from '@agora/service';
import { closedPort, dataOf, errorCodes, postGraphQL, startTcpFaultProxy, type TcpFaultProxy } from '@agora/testkit';
import { serveGateway } from '../gateway.js';
import { serveProbeSubgraph, testGatewayDeps } from './testGatewayDeps.js';

const PROBE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { read: Int! }
  type Mutation { write: Int! }
`;

/**
 * A subgraph that counts what it accepted and executed, and can reset the next connections
 * on accept (nothing read, nothing executed) or right after executing an operation (before
 * any response byte), as a process killed mid-request does.
 */
async function startProbe() {
  const seen = { connections: 0, reads: 0, writes: 0 };
  const faults = { resetOnAccept: 0, resetAfterExecuting: 0 };
  /** Counts an operation as executed, then resets its connection if asked to. */
  const execute = (kind: 'reads' | 'writes', context: unknown) => {
    seen[kind]++;
    if (faults.resetAfterExecuting > 0) {
      faults.resetAfterExecuting--;
      (context as { socket: net.Socket | undefined }).socket?.resetAndDestroy();
    }
    return seen[kind];
  };
  const schema = buildSubgraphSchema({
    typeDefs: parse(PROBE_SDL),
    resolvers: {
      Query: { read: (_: unknown, __: unknown, context: unknown) => execute('reads', context) },
      Mutation: { write: (_: unknown, __: unknown, context: unknown) => execute('writes', context) },
    },
  });
  /** Each request's socket, by its headers object (the edge hands resolvers the same object). */
  const socketOf = new WeakMap<http.IncomingHttpHeaders, net.Socket>();
  const server = await serveProbeSubgraph<{ socket: net.Socket | undefined }>({
    schema,
    context: async (request) => ({ socket: socketOf.get(request.headers) }),
    attach: (httpServer) => {
      // Ahead of the HTTP parser, so that a reset connection is never read.
      httpServer.prependListener('connection', (socket: net.Socket) => {
        seen.connections++;
        if (faults.resetOnAccept === 0) return;
        faults.resetOnAccept--;
        socket.resetAndDestroy();
      });
      httpServer.prependListener('request', (req: http.IncomingMessage) => socketOf.set(req.headers, req.socket));
      return async () => {};
    },
  });
  const { port } = server;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    seen,
    faults,
    stop: () => server.stop(),
  };
}

/** The gateway's retries to `probe` by the outcome of the second attempt, from its /metrics. */
async function retriesOf(gateway: RunningServer): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
  const retries: Record<string, number> = {};
  for (const [, labels = '', value] of text.matchAll(/^agora_subgraph_fetch_retries_total\{([^}]*)\} (\S+)$/gm)) {
    const outcome = /outcome="([^"]+)"/.exec(labels)?.[1];
    if (labels.includes('subgraph="probe"') && outcome !== undefined) retries[outcome] = Number(value);
  }
  return retries;
}

describe('gateway retries of subgraph fetches', () => {
  const keys = generateSigningKeys();
  const supergraphSdl = (() => {
    const result = composeServices([
      { name: 'probe', url: 'http://probe.invalid/graphql', typeDefs: parse(PROBE_SDL) },
    ]);
    if (result.errors !== undefined) throw new Error(result.errors.map((error) => error.message).join('\n'));
    return result.supergraphSdl;
  })();
  let probe: Awaited<ReturnType<typeof startProbe>>;
  const started: RunningServer[] = [];
  const proxies: TcpFaultProxy[] = [];

  beforeEach(async () => {
    probe = await startProbe();
  });

  afterEach(async () => {
    await Promise.all([...started.splice(0), ...proxies.splice(0)].map((server) => server.stop()));
    await probe.stop();
  });

  /** A gateway of its own (own connection pool, own metrics) calling `probe` at `url`. */
  async function startGateway(url: string, subgraphTimeoutMs = 5_000): Promise<RunningServer> {
    const gateway = await serveGateway(
      testGatewayDeps(
        { supergraphSdl, subgraphUrls: { probe: url }, publicKeys: { [keys.keyId]: keys.publicKeyPem } },
        { subgraphTimeoutMs, metricsPort: 0 },
      ),
      { port: 0, host: '127.0.0.1' },
    );
    started.push(gateway);
    return gateway;
  }

  async function startProxy(): Promise<TcpFaultProxy> {
    const proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: probe.port });
    proxies.push(proxy);
    return proxy;
  }

  it('should answer a query whose first connection was reset, the subgraph executing it once', async () => {
    const gateway = await startGateway(probe.url);
    probe.faults.resetOnAccept = 1;
    const result = await postGraphQL<{ read: number }>(gateway.url, '{ read }');
    expect(dataOf(result)).toEqual({ read: 1 });
    expect(probe.seen).toEqual({ connections: 2, reads: 1, writes: 0 });
    expect(await retriesOf(gateway)).toEqual({ ok: 1 });
  });

  it('should answer a query when the subgraph executed it and its connection closed before any answer', async () => {
    const gateway = await startGateway(probe.url);
    probe.faults.resetAfterExecuting = 1;
    const result = await postGraphQL<{ read: number }>(gateway.url, '{ read }');
    // A read executed twice changes nothing: the second answer is the one the client gets.
    expect(dataOf(result)).toEqual({ read: 2 });
    expect(await retriesOf(gateway)).toEqual({ ok: 1 });
  });

  it.each([
    ['reset before it was read', 'resetOnAccept', 0],
    ['reset after it was executed', 'resetAfterExecuting', 1],
  ] as const)(
    'should never send a mutation again when its connection was %s, and answer SERVICE_UNAVAILABLE',
    async (_situation, fault, executed) => {
      const gateway = await startGateway(probe.url);
      probe.faults[fault] = 1;
      const result = await postGraphQL(gateway.url, 'mutation { write }');
      expect([errorCodes(result), result.errors?.[0]?.message]).toEqual([
        ['SERVICE_UNAVAILABLE'],
        'The probe service is unreachable.',
      ]);
      expect(probe.seen).toEqual({ connections: 1, reads: 0, writes: executed });
      expect(await retriesOf(gateway)).toEqual({});
    },
  );

  it.each([
    ['refuses every connection', async () => `http://127.0.0.1:${await closedPort()}/graphql`],
    [
      'resets every connection',
      async (proxy: () => Promise<TcpFaultProxy>) => {
        const reset = await proxy();
        reset.setMode('reset');
        return `http://${reset.host}:${reset.port}/graphql`;
      },
    ],
  ] as const)(
    'should answer SERVICE_UNAVAILABLE naming a subgraph that %s, after one retry and before the deadline',
    async (_situation, downUrl) => {
      const gateway = await startGateway(await downUrl(startProxy));
      const result = await postGraphQL(gateway.url, '{ read }');
      // "unreachable", not "did not answer within 5000 ms": the gateway gave up before its deadline.
      expect([errorCodes(result), result.errors?.[0]?.message]).toEqual([
        ['SERVICE_UNAVAILABLE'],
        'The probe service is unreachable.',
      ]);
      expect(await retriesOf(gateway)).toEqual({ unreachable: 1 });
      expect(probe.seen.reads).toBe(0);
    },
  );

  it('should not send a query again when the subgraph did not answer within the deadline', async () => {
    const silent = await startProxy();
    silent.setMode('blackhole');
    const gateway = await startGateway(`http://${silent.host}:${silent.port}/graphql`, 300);
    const result = await postGraphQL(gateway.url, '{ read }');
    expect([errorCodes(result), result.errors?.[0]?.message]).toEqual([
      ['SERVICE_UNAVAILABLE'],
      'The probe service did not answer within 300 ms.',
    ]);
    expect(await retriesOf(gateway)).toEqual({});
  });
});
