import type http from 'node:http';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { MemKeyValueStore, type KeyValueStore } from '@agora/adapters';
import { INTERNAL_HEADERS, generateSigningKeys, revokedSessionKey, type RunningServer } from '@agora/service';
import { TEST_GATEWAY_SECRET, dataOf, errorCodes, postGraphQL, serveTestSubgraph } from '@agora/testkit';
import { serveGateway, type GatewayDeps } from '../gateway.js';
import { serveProbeSubgraph, signTestToken, testGatewayDeps } from './testGatewayDeps.js';

const PROBE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { headers: [String!]! slow: String boom: String }
`;

/**
 * A stand-in subgraph that reports the headers it received and can be slow or fail, so the
 * gateway's own behaviour is seen in isolation.
 */
async function startProbeSubgraph() {
  const schema = buildSubgraphSchema({
    typeDefs: parse(PROBE_SDL),
    resolvers: {
      Query: {
        headers: (_: unknown, __: unknown, context: unknown) =>
          Object.entries((context as { headers: http.IncomingHttpHeaders }).headers)
            .filter(([name]) => name.startsWith('x-agora-'))
            .map(([name, value]) => `${name}=${String(value)}`)
            .sort(),
        slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 1_000)),
        boom: () => {
          throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (postgres://internal-db/agora)');
        },
      },
    },
  });
  return serveProbeSubgraph<{ headers: http.IncomingHttpHeaders }>({
    schema,
    context: async (request) => ({ headers: request.headers }),
  });
}

/**
 * The probe's `headers` without the deadline, and the deadline the gateway sent (ms), which
 * depends on how long the call took to leave.
 */
function splitDeadline(headers: readonly string[]): { headers: string[]; deadlineMs: number } {
  const prefix = `${INTERNAL_HEADERS.deadlineMs}=`;
  const deadlines = headers.filter((header) => header.startsWith(prefix));
  expect(deadlines).toHaveLength(1);
  return {
    headers: headers.filter((header) => !header.startsWith(prefix)),
    deadlineMs: Number((deadlines[0] as string).slice(prefix.length)),
  };
}

function supergraphFor(url: string): string {
  const result = composeServices([
    {
      name: 'probe',
      url,
      typeDefs: parse(PROBE_SDL),
    },
  ]);
  if (result.errors !== undefined) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

describe('gateway', () => {
  const keys = generateSigningKeys();
  let probe: Awaited<ReturnType<typeof startProbeSubgraph>>;

  beforeAll(async () => {
    probe = await startProbeSubgraph();
  });

  afterAll(async () => {
    await probe.stop();
  });

  function gatewayDeps(options: { production?: boolean; revocations?: KeyValueStore; url?: string } = {}): GatewayDeps {
    return testGatewayDeps(
      {
        supergraphSdl: supergraphFor('http://probe.invalid/graphql'),
        subgraphUrls: { probe: options.url ?? probe.url },
        publicKeys: { [keys.keyId]: keys.publicKeyPem },
      },
      {
        ...(options.revocations === undefined ? {} : { revocations: options.revocations }),
        subgraphMaxConnections: 4,
        responseCacheEntries: 100,
        production: options.production ?? false,
        subgraphTimeoutMs: 200,
      },
    );
  }

  function startGateway(options: Parameters<typeof gatewayDeps>[0] = {}): Promise<RunningServer> {
    return serveGateway(gatewayDeps(options), { port: 0, host: '127.0.0.1' });
  }

  const tokenFor = (userId: string, sessionId: string) => signTestToken(keys, userId, sessionId);

  describe('in development', () => {
    let gateway: RunningServer;

    beforeAll(async () => {
      gateway = await startGateway();
    });

    afterAll(async () => {
      await gateway.stop();
    });

    it('should send the secret, the verified caller and its own deadline, and none of the headers the client sent', async () => {
      const token = await tokenFor('user-7', 'session-7');
      const result = await postGraphQL<{ headers: string[] }>(gateway.url, '{ headers }', {
        headers: {
          authorization: `Bearer ${token}`,
          [INTERNAL_HEADERS.userId]: 'someone-else',
          [INTERNAL_HEADERS.gatewaySecret]: 'forged',
          [INTERNAL_HEADERS.clientAddress]: '6.6.6.6',
          [INTERNAL_HEADERS.deadlineMs]: '999999',
          'x-forwarded-for': '6.6.6.6',
          'x-agora-anything': 'smuggled',
        },
      });
      const { headers, deadlineMs } = splitDeadline(dataOf(result).headers);
      // What is left of this gateway's 200 ms, not the client's say.
      expect(deadlineMs).toBeGreaterThan(0);
      expect(deadlineMs).toBeLessThanOrEqual(200);
      expect(headers).toEqual([
        `${INTERNAL_HEADERS.clientAddress}=127.0.0.1`,
        `${INTERNAL_HEADERS.gatewaySecret}=${TEST_GATEWAY_SECRET}`,
        `${INTERNAL_HEADERS.sessionId}=session-7`,
        `${INTERNAL_HEADERS.userId}=user-7`,
      ]);
    });

    it('should answer SERVICE_UNAVAILABLE naming the subgraph when it is too slow, and keep serving', async () => {
      const slow = await postGraphQL(gateway.url, '{ slow }');
      expect(errorCodes(slow)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(slow.errors?.[0]?.message).toBe('The probe service did not answer within 200 ms.');
      const after = await postGraphQL<{ headers: string[] }>(gateway.url, '{ headers }');
      expect(splitDeadline(dataOf(after).headers).headers).toEqual([
        `${INTERNAL_HEADERS.clientAddress}=127.0.0.1`,
        `${INTERNAL_HEADERS.gatewaySecret}=${TEST_GATEWAY_SECRET}`,
      ]);
    });

    it('should show an unexpected error message but never its stack trace', async () => {
      const result = await postGraphQL(gateway.url, '{ boom }');
      expect(result.errors?.[0]?.message).toContain('ECONNREFUSED');
      expect(JSON.stringify(result)).not.toContain('stacktrace');
    });

    it('should serve the Apollo Sandbox landing page to a browser', async () => {
      const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('embeddable-sandbox');
    });

    it('should name the subgraph and its HTTP status, not its URL or body, when it refuses the gateway', async () => {
      const refusing = await serveTestSubgraph({
        name: 'probe',
        schema: buildSubgraphSchema({ typeDefs: parse(PROBE_SDL), resolvers: {} }),
        createContext: () => ({}),
        checkReadiness: async () => {},
      });
      // Served with the test secret; this gateway sends another one.
      const misconfigured = await serveGateway(
        { ...gatewayDeps(), gatewaySecret: 'a-different-secret-entirely', subgraphUrls: { probe: refusing.url } },
        { port: 0, host: '127.0.0.1' },
      );
      try {
        const result = await postGraphQL(misconfigured.url, '{ headers }');
        expect(result.errors).toEqual([
          {
            message: 'The probe service failed (HTTP 403).',
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ]);
      } finally {
        await misconfigured.stop();
        await refusing.stop();
      }
    });

    it('should answer liveness and readiness probes', async () => {
      const base = gateway.url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    });
  });

  describe('in production', () => {
    let gateway: RunningServer;

    beforeAll(async () => {
      gateway = await startGateway({ production: true });
    });

    afterAll(async () => {
      await gateway.stop();
    });

    it('should mask an unexpected error: no message, no stack, no internal address', async () => {
      const result = await postGraphQL(gateway.url, '{ boom }');
      expect(result.errors).toEqual([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
    });

    it('should name neither the address nor the URL of a subgraph that is down', async () => {
      const dead = await startGateway({ production: true, url: 'http://127.0.0.1:9/graphql' });
      try {
        const result = await postGraphQL(dead.url, '{ headers }');
        expect(errorCodes(result)).toEqual(['SERVICE_UNAVAILABLE']);
        expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|:9\/|graphql|probe\.invalid/);
      } finally {
        await dead.stop();
      }
    });

    it('should refuse introspection and serve no Sandbox', async () => {
      const result = await postGraphQL(gateway.url, '{ __schema { types { name } } }');
      expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('embeddable-sandbox');
    });
  });

  describe('sessions', () => {
    it('should refuse the token of a revoked session with 401', async () => {
      const revocations = new MemKeyValueStore();
      const gateway = await startGateway({ revocations });
      try {
        await revocations.set(revokedSessionKey('session-gone'), 'revoked', 60);
        const result = await postGraphQL(gateway.url, '{ headers }', {
          headers: { authorization: `Bearer ${await tokenFor('user-1', 'session-gone')}` },
        });
        expect(result.status).toBe(401);
        expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      } finally {
        await gateway.stop();
      }
    });

    it('should refuse authenticated requests but serve anonymous ones when revocations cannot be read', async () => {
      const broken: KeyValueStore = {
        get: () => Promise.reject(new Error('Redis is down')),
        getMany: () => Promise.reject(new Error('Redis is down')),
        set: () => Promise.reject(new Error('Redis is down')),
        delete: () => Promise.reject(new Error('Redis is down')),
      };
      const gateway = await startGateway({ revocations: broken });
      try {
        const authenticated = await postGraphQL(gateway.url, '{ headers }', {
          headers: { authorization: `Bearer ${await tokenFor('user-1', 'session-1')}` },
        });
        const anonymous = await postGraphQL(gateway.url, '{ headers }');
        expect([authenticated.status, errorCodes(authenticated)]).toEqual([503, ['SERVICE_UNAVAILABLE']]);
        expect(anonymous.errors).toBeUndefined();
      } finally {
        await gateway.stop();
      }
    });
  });
});
