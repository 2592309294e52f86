// Identical reads in flight at once reach a subgraph once, and every caller gets the answer;
// reads of different callers, and mutations, are each sent. The probe holds every execution
// until the test lets it go, so the requests are sure to overlap.
import http from 'node:http';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { INTERNAL_HEADERS, generateSigningKeys, type RunningServer } from '@agora/service';
import { dataOf, postGraphQL } from '@agora/testkit';
import { serveGateway } from '../gateway.js';
import { serveProbeSubgraph, signTestToken, testGatewayDeps } from './testGatewayDeps.js';

const PROBE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { list: [Item!]! mine: String! }
  type Item { id: ID! n: Int! }
  type Mutation { bump: Int! }
`;

async function startProbe() {
  let executions = 0;
  let release: () => void = () => {};
  let held = Promise.resolve();
  /** Counts an execution and waits for the test to let it answer. */
  const execute = async <T>(answer: () => T): Promise<T> => {
    executions++;
    await held;
    return answer();
  };
  const schema = buildSubgraphSchema({
    typeDefs: parse(PROBE_SDL),
    resolvers: {
      Query: {
        list: () => execute(() => [1, 2, 3].map((n) => ({ id: `item-${n}`, n: n * executions }))),
        mine: (_: unknown, __: unknown, context: unknown) =>
          execute(() =>
            String((context as { headers: http.IncomingHttpHeaders }).headers[INTERNAL_HEADERS.userId] ?? 'anonymous'),
          ),
      },
      Mutation: { bump: () => execute(() => executions) },
    },
  });
  const server = await serveProbeSubgraph<{ headers: http.IncomingHttpHeaders }>({
    schema,
    context: async (request) => ({ headers: request.headers }),
  });
  return {
    url: server.url,
    executions: () => executions,
    /** From now on every execution waits; the returned function lets them all answer. */
    hold(): () => void {
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = Promise.resolve();
        release();
      };
    },
    stop: () => server.stop(),
  };
}

function supergraphFor(url: string): string {
  const result = composeServices([{ name: 'probe', url, typeDefs: parse(PROBE_SDL) }]);
  if (result.errors !== undefined) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

/** The reads the gateway did not send to `probe` because an identical one was in flight. */
async function sharedReadsOf(gateway: RunningServer): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
  const value = /^agora_subgraph_reads_shared_total\{subgraph="probe"[^}]*\} (\S+)$/m.exec(text)?.[1];
  return value === undefined ? 0 : Number(value);
}

/** Resolves once `count()` reaches `target`; fails after 5 s. */
async function until(count: () => Promise<number> | number, target: number, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const now = await count();
    if (now >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${now}, expected ${target}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('identical reads in flight', () => {
  const keys = generateSigningKeys();
  let probe: Awaited<ReturnType<typeof startProbe>>;
  let gateway: RunningServer;

  beforeAll(async () => {
    probe = await startProbe();
    const deps = testGatewayDeps(
      {
        supergraphSdl: supergraphFor(probe.url),
        subgraphUrls: { probe: probe.url },
        publicKeys: { [keys.keyId]: keys.publicKeyPem },
      },
      { metricsPort: 0 },
    );
    gateway = await serveGateway(deps, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await gateway.stop();
    await probe.stop();
  });

  const tokenFor = (userId: string) => signTestToken(keys, userId, `session-of-${userId}`);

  it('should send one read for identical ones in flight, and give every caller the whole answer', async () => {
    const [executedBefore, sharedBefore] = [probe.executions(), await sharedReadsOf(gateway)];
    const release = probe.hold();
    const answers = Array.from({ length: 5 }, () => postGraphQL(gateway.url, '{ list { id n } }'));
    await until(async () => (await sharedReadsOf(gateway)) - sharedBefore, 4, 'reads shared');
    release();
    const lists = (await Promise.all(answers)).map((answer) => dataOf(answer));

    expect(probe.executions() - executedBefore).toBe(1);
    expect(lists).toEqual(
      lists.map(() => ({ list: [1, 2, 3].map((n) => ({ id: `item-${n}`, n: n * (executedBefore + 1) })) })),
    );
  });

  it('should share nothing once the read has ended', async () => {
    const executedBefore = probe.executions();
    await postGraphQL(gateway.url, '{ list { id } }');
    await postGraphQL(gateway.url, '{ list { id } }');

    expect(probe.executions() - executedBefore).toBe(2);
  });

  it('should send each caller its own read of the same query', async () => {
    const executedBefore = probe.executions();
    const release = probe.hold();
    const answers = ['ada', 'grace'].map(async (userId) =>
      postGraphQL<{ mine: string }>(gateway.url, '{ mine }', {
        headers: { authorization: `Bearer ${await tokenFor(userId)}` },
      }),
    );
    const anonymous = postGraphQL<{ mine: string }>(gateway.url, '{ mine }');
    await until(() => probe.executions() - executedBefore, 3, 'reads executed');
    release();

    expect((await Promise.all([...answers, anonymous])).map((answer) => dataOf(answer).mine)).toEqual([
      'ada',
      'grace',
      'anonymous',
    ]);
    expect(probe.executions() - executedBefore).toBe(3);
  });

  it('should send every mutation, however alike', async () => {
    const [executedBefore, sharedBefore] = [probe.executions(), await sharedReadsOf(gateway)];
    const release = probe.hold();
    const answers = Array.from({ length: 3 }, () => postGraphQL<{ bump: number }>(gateway.url, 'mutation { bump }'));
    await until(() => probe.executions() - executedBefore, 3, 'mutations executed');
    release();
    await Promise.all(answers);

    expect(probe.executions() - executedBefore).toBe(3);
    expect(await sharedReadsOf(gateway)).toBe(sharedBefore);
  });
});
