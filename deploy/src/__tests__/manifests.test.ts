// What the services get from the chart as `helm template` renders it: the environment each
// one's own config reader accepts, ports, probes, peers and scaling.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import type { Env, ServiceConfig } from '@agora/config';
import { loadFinancialConfig } from '@agora/financial';
import { loadGatewayConfig } from '@agora/gateway';
import { loadInventoryConfig } from '@agora/inventory';
import { loadOrdersConfig } from '@agora/orders';
import { loadPetitionsConfig } from '@agora/petitions';
import { SUBGRAPHS } from '@agora/schema';
import { generateSigningKeys, requireRedisUrl, serveGraphQL, silentLogger } from '@agora/service';
import { loadSignaturesConfig } from '@agora/signatures';
import { loadUsersConfig } from '@agora/users';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { stringify } from 'yaml';
import { renderChart, type KubeObject } from '../helm.js';
import { LIVENESS_PATH, READINESS_PATH, SERVICES, type ServiceName } from '../services.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Each service's own config reader, as its entry point calls it. */
const LOADERS: Record<ServiceName, (env: Env) => { service: ServiceConfig }> = {
  gateway: (env) =>
    loadGatewayConfig(
      env,
      SUBGRAPHS.map((subgraph) => subgraph.name),
    ),
  users: loadUsersConfig,
  inventory: loadInventoryConfig,
  orders: loadOrdersConfig,
  financial: loadFinancialConfig,
  petitions: loadPetitionsConfig,
  signatures: loadSignaturesConfig,
};

const REDIS_URL = 'redis://:placeholder@cache.example:6379';

function ofKind<T>(objects: KubeObject[], kind: string): (T & KubeObject)[] {
  return objects.filter((object) => object.kind === kind) as (T & KubeObject)[];
}

function named<T>(objects: KubeObject[], kind: string, name: string): T & KubeObject {
  const found = ofKind<T>(objects, kind).find(({ metadata }) => metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

function containerOf(deployment: IDeployment): IContainer {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error(`${deployment.metadata?.name} has no container`);
  return container;
}

/** The environment the container starts with: plain values and Secret keys, resolved. */
function envOf(objects: KubeObject[], name: ServiceName): Record<string, string> {
  const deployment = named<IDeployment>(objects, 'Deployment', `agora-${name}`);
  const env: Record<string, string> = {};
  for (const { name: variable, value, valueFrom } of containerOf(deployment).env ?? []) {
    const ref = valueFrom?.secretKeyRef;
    const secret = ofKind<ISecret>(objects, 'Secret').find(({ metadata }) => metadata.name === ref?.name);
    const resolved = value ?? secret?.stringData?.[ref?.key ?? ''];
    if (resolved === undefined) throw new Error(`${variable} of agora-${name} resolves to nothing`);
    env[variable] = resolved;
  }
  return env;
}

describe('the Kubernetes chart, as helm renders it', () => {
  const keys = generateSigningKeys();
  let dir: string;
  let valuesFile: string;
  let objects: KubeObject[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agora-chart-'));
    valuesFile = join(dir, 'values.yaml');
    await writeFile(
      valuesFile,
      stringify({
        postgres: { url: 'postgres://agora:placeholder@db.example:5432' },
        redis: { url: REDIS_URL },
        secrets: {
          gatewaySecret: 'placeholder-gateway-secret',
          jwtKeyId: keys.keyId,
          jwtPrivateKey: keys.privateKeyPem,
          jwtPublicKey: keys.publicKeyPem,
        },
      }),
    );
    objects = await renderChart(['-f', valuesFile]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should run every service with a Service, autoscale the gateway and signatures and keep the gateway up in drains', () => {
    const names = (kind: string) => ofKind(objects, kind).map(({ metadata }) => metadata.name);
    const everyService = SERVICES.map(({ name }) => `agora-${name}`);
    expect(names('Deployment')).toEqual(everyService);
    expect(names('Service')).toEqual(everyService);
    expect(names('HorizontalPodAutoscaler')).toEqual(['agora-gateway', 'agora-signatures']);
    expect(names('PodDisruptionBudget')).toEqual(['agora-gateway', 'agora-signatures']);
    for (const budget of ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget')) {
      const pods = named<IDeployment>(objects, 'Deployment', budget.metadata.name);
      expect(budget.spec?.selector?.matchLabels).toEqual(pods.spec?.selector.matchLabels);
    }
  });

  it('should run two pods of any subgraph its values ask two of, kept one up through drains', async () => {
    const subgraphs = SUBGRAPHS.map(({ name }) => name);
    const twice = await renderChart([
      '-f',
      valuesFile,
      ...subgraphs.flatMap((name) => ['--set', `${name}.replicas=2`]),
    ]);
    for (const name of subgraphs) {
      const pods = named<IDeployment>(twice, 'Deployment', `agora-${name}`);
      const budget = ofKind<IPodDisruptionBudget>(twice, 'PodDisruptionBudget').find(
        ({ metadata }) => metadata.name === `agora-${name}`,
      );
      const replicas = name === 'signatures' ? undefined : 2; // signatures is autoscaled
      expect({ name, replicas: pods.spec?.replicas, minAvailable: budget?.spec?.minAvailable }).toEqual({
        name,
        replicas,
        minAvailable: 1,
      });
      expect(budget?.spec?.selector?.matchLabels).toEqual(pods.spec?.selector.matchLabels);
    }
    // By default one pod, and no budget: keeping one of one pod up would block every node drain.
    const budgets = ofKind(objects, 'PodDisruptionBudget').map(({ metadata }) => metadata.name);
    for (const name of subgraphs.filter((subgraph) => subgraph !== 'signatures')) {
      const replicas = named<IDeployment>(objects, 'Deployment', `agora-${name}`).spec?.replicas;
      expect({ name, replicas, budget: budgets.includes(`agora-${name}`) }).toEqual({
        name,
        replicas: 1,
        budget: false,
      });
    }
  });

  it('should listen, be probed and be reached on the port the config reader reads and defaults to', () => {
    for (const { name } of SERVICES) {
      const deployment = named<IDeployment>(objects, 'Deployment', `agora-${name}`);
      const container = containerOf(deployment);
      const env = envOf(objects, name);
      const [port] = container.ports ?? [];
      const { PORT: _given, ...withoutPort } = env;
      const service = named<IService>(objects, 'Service', `agora-${name}`);
      const probePorts = [container.readinessProbe, container.livenessProbe, container.startupProbe].map(
        (probe) => probe?.httpGet?.port,
      );
      expect({
        name,
        listens: LOADERS[name](env).service.port,
        byDefault: LOADERS[name](withoutPort).service.port,
        probes: probePorts,
        service: service.spec?.ports?.[0] && [service.spec.ports[0].port, service.spec.ports[0].targetPort],
      }).toEqual({
        name,
        listens: port?.containerPort,
        byDefault: port?.containerPort,
        probes: [port?.name, port?.name, port?.name],
        service: [port?.containerPort, port?.name],
      });
      expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
    }
  });

  it('should probe readiness and liveness on paths the services answer', async () => {
    const server = await serveGraphQL<object>({
      name: 'probe-target',
      createApollo: (plugins) => new ApolloServer<object>({ typeDefs: 'type Query { ok: Boolean }', plugins }),
      context: async () => ({}),
      checkReadiness: async () => undefined,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      maxBodyBytes: 1_000,
      metricsOnMainPort: false,
      traceTrust: 'peers',
    });
    try {
      for (const deployment of ofKind<IDeployment>(objects, 'Deployment')) {
        const container = containerOf(deployment);
        const paths = [container.readinessProbe, container.livenessProbe].map((probe) => probe?.httpGet?.path);
        expect(paths).toEqual([READINESS_PATH, LIVENESS_PATH]);
        for (const path of [...paths, container.startupProbe?.httpGet?.path]) {
          const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
          expect({ path, status: response.status }).toEqual({ path, status: 200 });
        }
      }
    } finally {
      await server.stop();
    }
  });

  it('should start every service with the environment its Deployment gives it', () => {
    for (const spec of SERVICES) {
      const env = envOf(objects, spec.name);
      const config = LOADERS[spec.name](env);
      if (spec.redis) expect(requireRedisUrl(config.service, spec.name, 'distributed mode')).toBe(REDIS_URL);
      if (spec.database) {
        expect({ name: spec.name, database: new URL(env['DATABASE_URL'] ?? '').pathname }).toEqual({
          name: spec.name,
          database: `/agora_${spec.name}`,
        });
      }
    }
  });

  it('should set no variable that the service does not read', () => {
    for (const { name } of SERVICES) {
      const env = envOf(objects, name);
      const read = new Set<string>();
      const watched = new Proxy(env, {
        get: (target, key) => {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key);
        },
      });
      LOADERS[name](watched);
      expect({ name, unread: Object.keys(env).filter((variable) => !read.has(variable)) }).toEqual({
        name,
        unread: [],
      });
    }
  });

  it('should give Redis to exactly the services that refuse to start without it', async () => {
    for (const { name } of SERVICES) {
      // A subgraph makes itself from its environment in deployment.ts; the gateway in index.ts.
      const entry = await readFile(
        `${REPO_ROOT}${name === 'gateway' ? 'gateway/src/index.ts' : `subgraphs/${name}/src/deployment.ts`}`,
        'utf8',
      );
      expect({ name, redis: 'REDIS_URL' in envOf(objects, name) }).toEqual({
        name,
        redis: entry.includes('requireRedisUrl('),
      });
    }
  });

  it('should point every peer URL at a Service of the chart on its port', () => {
    for (const { name } of SERVICES) {
      const urls = Object.entries(envOf(objects, name)).filter(([, value]) => value.startsWith('http'));
      for (const [variable, value] of urls) {
        const url = new URL(value);
        const target = named<IService>(objects, 'Service', url.hostname);
        expect({ variable, port: Number(url.port), path: url.pathname }).toEqual({
          variable,
          port: target.spec?.ports?.[0]?.port,
          path: '/graphql',
        });
      }
    }
  });

  it('should hold no secret value by default', async () => {
    for (const secret of ofKind<ISecret>(await renderChart(), 'Secret')) {
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        expect({ key, value: key.includes('URL') ? new URL(value).password : value }).toEqual({ key, value: '' });
      }
    }
  });
});
