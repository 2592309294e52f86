import { readdir, readFile } from 'node:fs/promises';
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
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, renderChart } from '../chart.js';
import type { Manifest } from '../manifests.js';
import { SERVICES, type ServiceName } from '../services.js';
import { DEFAULT_VALUES, mergeValues } from '../values.js';

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

const MODELS = { Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, Secret };

/** The objects in the chart's templates, read back from the YAML as `kubectl apply` would. */
function parseTemplates(files: Map<string, string>): Manifest[] {
  return [...files]
    .filter(([path]) => path.startsWith('templates/'))
    .flatMap(([, text]) => parseAllDocuments(text).map((document) => document.toJS() as { kind: string }))
    .map((object) => {
      const Model = MODELS[object.kind as keyof typeof MODELS];
      if (Model === undefined) throw new Error(`unexpected kind ${object.kind}`);
      return new Model(object as never);
    });
}

function ofKind<K extends keyof typeof MODELS>(manifests: Manifest[], kind: K): InstanceType<(typeof MODELS)[K]>[] {
  return manifests.filter((manifest) => manifest.kind === kind) as InstanceType<(typeof MODELS)[K]>[];
}

function containerOf(deployment: Deployment): IContainer {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error(`${deployment.metadata?.name} has no container`);
  return container;
}

function deploymentOf(manifests: Manifest[], name: ServiceName): Deployment {
  const deployment = ofKind(manifests, 'Deployment').find(({ metadata }) => metadata?.name === `agora-${name}`);
  if (deployment === undefined) throw new Error(`no Deployment for ${name}`);
  return deployment;
}

/** The environment the container starts with: plain values and Secret keys, resolved. */
function envOf(manifests: Manifest[], deployment: Deployment): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, value, valueFrom } of containerOf(deployment).env ?? []) {
    const ref = valueFrom?.secretKeyRef;
    const secret = ofKind(manifests, 'Secret').find(({ metadata }) => metadata?.name === ref?.name);
    const resolved = value ?? secret?.stringData?.[ref?.key ?? ''];
    if (resolved === undefined) throw new Error(`${name} of ${deployment.metadata?.name} resolves to nothing`);
    env[name] = resolved;
  }
  return env;
}

describe('the Kubernetes chart', () => {
  const keys = generateSigningKeys();
  const values = mergeValues(DEFAULT_VALUES, {
    postgres: { url: 'postgres://agora:placeholder@db.example:5432' },
    secrets: {
      gatewaySecret: 'placeholder-gateway-secret',
      jwtKeyId: keys.keyId,
      jwtPrivateKey: keys.privateKeyPem,
      jwtPublicKey: keys.publicKeyPem,
    },
  });
  let manifests: Manifest[];

  beforeAll(async () => {
    manifests = parseTemplates(await renderChart(values));
  });

  it('should hold only objects that match their Kubernetes schemas', () => {
    const invalid = manifests.flatMap((manifest) => {
      try {
        manifest.validate();
        return [];
      } catch (error) {
        return [`${manifest.kind} ${manifest.metadata?.name}: ${(error as Error).message}`];
      }
    });
    expect(invalid).toEqual([]);
  });

  it('should run every service with a Service, autoscale the gateway and signatures and keep the gateway up in drains', () => {
    const names = (kind: keyof typeof MODELS) => ofKind(manifests, kind).map(({ metadata }) => metadata?.name);
    const everyService = SERVICES.map(({ name }) => `agora-${name}`);
    expect(names('Deployment')).toEqual(everyService);
    expect(names('Service')).toEqual(everyService);
    expect(names('HorizontalPodAutoscaler')).toEqual(['agora-gateway', 'agora-signatures']);
    expect(names('PodDisruptionBudget')).toContain('agora-gateway');
    for (const budget of ofKind(manifests, 'PodDisruptionBudget')) {
      const pods = deploymentOf(manifests, budget.metadata?.labels?.['app.kubernetes.io/name'] as ServiceName);
      expect(budget.spec?.selector?.matchLabels).toEqual(pods.spec?.template.metadata?.labels);
    }
    for (const autoscaler of ofKind(manifests, 'HorizontalPodAutoscaler')) {
      expect(names('Deployment')).toContain(autoscaler.spec?.scaleTargetRef.name);
      expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    }
  });

  it('should run two pods of any subgraph its values ask two of, kept one up through drains', async () => {
    const subgraphs = SUBGRAPHS.map(({ name }) => name);
    const twice = parseTemplates(
      await renderChart(
        mergeValues(values, {
          services: Object.fromEntries(
            subgraphs.map((name) => [name, { replicas: 2, autoscaling: { enabled: false } }]),
          ),
        }),
      ),
    );
    for (const name of subgraphs) {
      const pods = deploymentOf(twice, name);
      const budget = ofKind(twice, 'PodDisruptionBudget').find(({ metadata }) => metadata?.name === `agora-${name}`);
      expect({ name, replicas: pods.spec?.replicas, minAvailable: budget?.spec?.minAvailable }).toEqual({
        name,
        replicas: 2,
        minAvailable: 1,
      });
      expect(budget?.spec?.selector?.matchLabels).toEqual(pods.spec?.template.metadata?.labels);
    }
    // By default one pod, and no budget: keeping one of one pod up would block every node drain.
    const budgets = ofKind(manifests, 'PodDisruptionBudget').map(({ metadata }) => metadata?.name);
    for (const name of subgraphs.filter((subgraph) => !values.services[subgraph].autoscaling.enabled)) {
      const replicas = deploymentOf(manifests, name).spec?.replicas;
      expect({ name, replicas, budget: budgets.includes(`agora-${name}`) }).toEqual({
        name,
        replicas: 1,
        budget: false,
      });
    }
  });

  it('should give every container resource requests and limits', () => {
    for (const deployment of ofKind(manifests, 'Deployment')) {
      const { resources } = containerOf(deployment);
      expect({ name: deployment.metadata?.name, requests: Object.keys(resources?.requests ?? {}) }).toEqual({
        name: deployment.metadata?.name,
        requests: ['cpu', 'memory'],
      });
      expect(Object.keys(resources?.limits ?? {})).toEqual(['cpu', 'memory']);
    }
  });

  it('should listen, be probed and be reached on the port the config reader reads and defaults to', () => {
    for (const { name } of SERVICES) {
      const deployment = deploymentOf(manifests, name);
      const container = containerOf(deployment);
      const env = envOf(manifests, deployment);
      const [port] = container.ports ?? [];
      const { PORT: _given, ...withoutPort } = env;
      const service = ofKind(manifests, 'Service').find(({ metadata }) => metadata?.name === `agora-${name}`);
      const probePorts = [container.readinessProbe, container.livenessProbe, container.startupProbe].map(
        (probe) => probe?.httpGet?.port,
      );
      expect({
        name,
        listens: LOADERS[name](env).service.port,
        byDefault: LOADERS[name](withoutPort).service.port,
        probes: probePorts,
        service: service?.spec?.ports?.map(({ port: servicePort, targetPort }) => [servicePort, targetPort]),
      }).toEqual({
        name,
        listens: port?.containerPort,
        byDefault: port?.containerPort,
        probes: [port?.name, port?.name, port?.name],
        service: [[port?.containerPort, port?.name]],
      });
      expect(service?.spec?.selector).toEqual(deployment.spec?.template.metadata?.labels);
    }
  });

  it('should probe readiness and liveness on paths the services answer', async () => {
    const server = await serveGraphQL<object>({
      name: 'probe-target',
      createApollo: (plugins) => new ApolloServer<object>({ typeDefs: 'type Query { ok: Boolean }', plugins }),
      guards: [],
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
      for (const deployment of ofKind(manifests, 'Deployment')) {
        const container = containerOf(deployment);
        const paths = [container.readinessProbe, container.livenessProbe].map((probe) => probe?.httpGet?.path);
        expect(paths).toEqual(['/health/ready', '/health/live']);
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
      const env = envOf(manifests, deploymentOf(manifests, spec.name));
      const config = LOADERS[spec.name](env);
      if (spec.redis) expect(requireRedisUrl(config.service, spec.name, 'distributed mode')).toBe(values.redis.url);
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
      const env = envOf(manifests, deploymentOf(manifests, name));
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
    for (const { name, redis } of SERVICES) {
      // A subgraph makes itself from its environment in deployment.ts; the gateway in index.ts.
      const entry = await readFile(
        `${REPO_ROOT}${name === 'gateway' ? 'gateway/src/index.ts' : `subgraphs/${name}/src/deployment.ts`}`,
        'utf8',
      );
      expect({ name, redis }).toEqual({ name, redis: entry.includes('requireRedisUrl(') });
    }
  });

  it('should point every peer URL at a Service of the chart on its port', () => {
    const services = ofKind(manifests, 'Service');
    for (const deployment of ofKind(manifests, 'Deployment')) {
      const urls = Object.entries(envOf(manifests, deployment)).filter(([, value]) => value.startsWith('http'));
      for (const [variable, value] of urls) {
        const url = new URL(value);
        const target = services.find(({ metadata }) => metadata?.name === url.hostname);
        expect({ variable, port: Number(url.port), path: url.pathname }).toEqual({
          variable,
          port: target?.spec?.ports?.[0]?.port,
          path: '/graphql',
        });
      }
    }
  });

  it('should commit no secret values', async () => {
    const committed = parseTemplates(await renderChart(DEFAULT_VALUES));
    for (const secret of ofKind(committed, 'Secret')) {
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        expect({ key, value: key.includes('url') ? new URL(value).password : value }).toEqual({ key, value: '' });
      }
    }
  });

  it('should be committed as `npm run render -w deploy` renders it', async () => {
    const fresh = await renderChart(DEFAULT_VALUES);
    const onDisk = (await readdir(CHART_DIR, { recursive: true })).filter((path) => path.endsWith('.yaml'));
    expect(onDisk.sort()).toEqual([...fresh.keys()].sort());
    for (const [path, text] of fresh)
      expect({ path, text: await readFile(`${CHART_DIR}${path}`, 'utf8') }).toEqual({ path, text });
  });
});
