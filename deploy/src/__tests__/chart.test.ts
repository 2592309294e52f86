// The chart as Helm users drive it, checked with the real helm binary: lint, values at
// install time (defaults, a values file, --set), the schema, and every object against the
// Kubernetes schemas, offline.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { serveGraphQL, silentLogger } from '@agora/service';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress, type IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Pod, type IPod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, stringify } from 'yaml';
import { CHART_DIR, renderChart, runHelm, type KubeObject } from '../helm.js';
import { commandOf, environmentNames, SERVICES, type ServiceName } from '../services.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  Service,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  Secret,
  NetworkPolicy,
  Ingress,
  Pod,
  ServiceMonitor,
};

/** Everything optional switched on, for the schema checks. */
const EVERYTHING = [
  '--set',
  'ingress.enabled=true,ingress.host=agora.example,ingress.tlsSecretName=agora-tls,ingress.className=nginx',
  '--set',
  'metrics.serviceMonitor.enabled=true,metrics.serviceMonitor.labels.release=prometheus',
  '--set',
  'orders.replicas=3,users.autoscaling.enabled=true,imagePullSecrets[0].name=registry',
  '--set',
  'nodeSelector.pool=apps,tolerations[0].key=dedicated,tolerations[0].operator=Exists',
];

function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

function deploymentOf(objects: KubeObject[], name: ServiceName, prefix = 'agora'): IDeployment {
  const found = objects.find(({ kind, metadata }) => kind === 'Deployment' && metadata.name === `${prefix}-${name}`);
  if (found === undefined) throw new Error(`no Deployment for ${name}`);
  return found as unknown as IDeployment;
}

function containerOf(objects: KubeObject[], name: ServiceName, prefix = 'agora') {
  const container = deploymentOf(objects, name, prefix).spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error(`${name} has no container`);
  return container;
}

function exitCodeOf(command: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    spawn(command, args, { stdio: 'ignore' }).on('error', reject).on('exit', resolve);
  });
}

function invalidObjects(objects: KubeObject[]): string[] {
  return objects.flatMap((object) => {
    const Model = MODELS[object.kind];
    if (Model === undefined) return [`${object.kind} ${object.metadata.name}: no schema to check it against`];
    try {
      new Model(object as never).validate();
      return [];
    } catch (error) {
      return [`${object.kind} ${object.metadata.name}: ${(error as Error).message}`];
    }
  });
}

describe('the Helm chart', () => {
  let defaults: KubeObject[];

  beforeAll(async () => {
    defaults = await renderChart();
  });

  it('should pass helm lint --strict with no warning', async () => {
    const result = await runHelm(['lint', '--strict', CHART_DIR]);
    expect({ code: result.code, problems: result.stdout.match(/^\[(WARNING|ERROR)\].*$/gm) }).toEqual({
      code: 0,
      problems: null,
    });
  });

  it('should render the defaults: one pod of each subgraph, the gateway and signatures autoscaled, no Ingress', () => {
    expect(SERVICES.map(({ name }) => [name, deploymentOf(defaults, name).spec?.replicas])).toEqual(
      SERVICES.map(({ name }) => [name, name === 'gateway' || name === 'signatures' ? undefined : 1]),
    );
    expect(ofKind(defaults, 'Ingress')).toEqual([]);
    expect(ofKind(defaults, 'ServiceMonitor')).toEqual([]);
    for (const { name } of SERVICES) {
      const container = containerOf(defaults, name);
      expect({ name, image: container.image, resources: Object.keys(container.resources?.limits ?? {}) }).toEqual({
        name,
        image: 'agora:0.1.0',
        resources: ['cpu', 'memory'],
      });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(deploymentOf(defaults, name).spec?.template.spec?.securityContext).toMatchObject({ runAsNonRoot: true });
    }
  });

  it('should render what --set says: replicas, image, resources and the Ingress', async () => {
    const set = await renderChart([
      '--set',
      'gateway.autoscaling.enabled=false,gateway.replicas=5,orders.replicas=2',
      '--set',
      'image.repository=registry.example/agora,image.tag=1.2.3,image.pullPolicy=Always',
      '--set',
      'orders.resources.limits.memory=1Gi,orders.resources.requests.cpu=300m',
      '--set',
      'ingress.enabled=true,ingress.host=agora.example',
    ]);
    expect(deploymentOf(set, 'gateway').spec?.replicas).toBe(5);
    expect(ofKind(set, 'HorizontalPodAutoscaler').map(({ metadata }) => metadata.name)).toEqual(['agora-signatures']);
    expect(deploymentOf(set, 'orders').spec?.replicas).toBe(2);
    expect(containerOf(set, 'users')).toMatchObject({
      image: 'registry.example/agora:1.2.3',
      imagePullPolicy: 'Always',
    });
    expect(containerOf(set, 'orders').resources).toEqual({
      requests: { cpu: '300m', memory: '192Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    const [ingress] = ofKind(set, 'Ingress') as unknown as IIngress[];
    const [rule] = ingress?.spec?.rules ?? [];
    expect(rule?.host).toBe('agora.example');
    expect(rule?.http?.paths).toEqual([
      { path: '/graphql', pathType: 'Prefix', backend: { service: { name: 'agora-gateway', port: { name: 'http' } } } },
    ]);
    // WebSockets of subscriptions stay open through an hour of silence.
    expect(ingress?.metadata?.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
  });

  it('should render what a values file says: URLs with credentials, secrets, names after the release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agora-values-'));
    try {
      const file = join(dir, 'shop.yaml');
      await writeFile(
        file,
        stringify({
          postgres: { url: 'postgres://agora:p%40ss@db.example:5433?sslmode=require', databasePrefix: 'shop_' },
          redis: { url: 'rediss://:secret@cache.example:6380', prefix: 'shop' },
          secrets: { gatewaySecret: 'a-gateway-secret-of-some-length' },
          gateway: { trustedProxyHops: 2, env: { QUERY_MAX_COST: 500 } },
        }),
      );
      const shop = await renderChart(['-f', file], 'shop');
      const connections = shop.find(({ metadata }) => metadata.name === 'shop-agora-connections');
      expect(connections?.['stringData']).toEqual({
        REDIS_URL: 'rediss://:secret@cache.example:6380',
        ...Object.fromEntries(
          SERVICES.filter(({ database }) => database).map(({ name }) => [
            `DATABASE_URL_${name.toUpperCase()}`,
            `postgres://agora:p%40ss@db.example:5433/shop_${name}?sslmode=require`,
          ]),
        ),
      });
      const env = containerOf(shop, 'gateway', 'shop-agora').env ?? [];
      expect(env.find(({ name }) => name === 'USERS_URL')?.value).toBe('http://shop-agora-users:4001/graphql');
      expect(env.find(({ name }) => name === 'TRUSTED_PROXY_HOPS')?.value).toBe('2');
      expect(env.find(({ name }) => name === 'QUERY_MAX_COST')?.value).toBe('500');
      expect(env.find(({ name }) => name === 'REDIS_PREFIX')?.value).toBe('shop');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--set', 'gateway.replicas=five'], 'gateway.replicas: Invalid type. Expected: integer, given: string'],
    [['--set', 'image.pullPolicy=Sometimes'], 'image.pullPolicy must be one of the following'],
    [['--set', 'orders.replica=2'], 'orders: Additional property replica is not allowed'],
    [['--set', 'orders.env.DATABASE_URL=postgres://elsewhere'], 'orders.env.DATABASE_URL is set by the chart itself'],
    [['--set', 'postgres.url=mysql://db:3306'], 'postgres.url: Does not match pattern'],
    [['--set', 'secrets.gatewaySecret=short'], 'secrets.gatewaySecret'],
    [
      ['--set', 'gateway.autoscaling.minReplicas=12'],
      'gateway.autoscaling.minReplicas (12) is more than maxReplicas (10)',
    ],
  ])('should refuse %j, saying why', async (args, message) => {
    const result = await runHelm(['template', 'agora', CHART_DIR, ...args]);
    expect({ code: result.code, said: result.stderr.includes(message) ? message : result.stderr }).toEqual({
      code: 1,
      said: message,
    });
  });

  it('should hold only objects that match their Kubernetes schemas, with every option on', async () => {
    const everything = await renderChart(EVERYTHING);
    expect(new Set(everything.map(({ kind }) => kind))).toEqual(new Set(Object.keys(MODELS)));
    expect([...invalidObjects(defaults), ...invalidObjects(everything)]).toEqual([]);
  });

  it('should roll the pods when a secret changes, and only then', async () => {
    const checksums = (objects: KubeObject[]) =>
      SERVICES.map(
        ({ name }) => deploymentOf(objects, name).spec?.template.metadata?.annotations?.['checksum/secrets'],
      );
    const again = checksums(await renderChart());
    const secret = checksums(await renderChart(['--set', 'secrets.gatewaySecret=another-gateway-secret']));
    const redis = checksums(await renderChart(['--set', 'redis.url=redis://:other@redis:6379']));
    const before = checksums(defaults);
    expect(new Set(before).size).toBe(1);
    expect(again).toEqual(before);
    for (const changed of [secret, redis]) {
      expect(changed.map((checksum, index) => checksum !== before[index])).toEqual(SERVICES.map(() => true));
    }
  });

  it('should make no Secret and read every key from existingSecret when one is named', async () => {
    const own = await renderChart(['--set', 'existingSecret=agora-from-env']);
    expect(ofKind(own, 'Secret')).toEqual([]);
    for (const { name } of SERVICES) {
      const refs = (containerOf(own, name).env ?? []).flatMap(({ valueFrom }) => valueFrom?.secretKeyRef ?? []);
      expect({ name, secrets: [...new Set(refs.map((ref) => ref.name))] }).toEqual({
        name,
        secrets: ['agora-from-env'],
      });
    }
  });

  it('should let only the gateway, the peers that call it and the monitoring namespace reach a subgraph', () => {
    const policies = ofKind(defaults, 'NetworkPolicy') as unknown as INetworkPolicy[];
    expect(policies.map(({ metadata }) => metadata?.name)).toEqual(SERVICES.map(({ name }) => `agora-${name}`));
    for (const { name } of SERVICES.filter((service) => service.name !== 'gateway')) {
      const policy = policies.find(({ metadata }) => metadata?.name === `agora-${name}`);
      const callers = SERVICES.filter(({ peers }) => (peers as readonly string[]).includes(name)).map(
        (caller) => caller.name,
      );
      const [peers, monitoring] = policy?.spec?.ingress ?? [];
      expect({
        name,
        selects: policy?.spec?.podSelector.matchLabels?.['app.kubernetes.io/name'],
        from: peers?.from?.map(({ podSelector }) => podSelector?.matchLabels?.['app.kubernetes.io/name']),
        monitoring: monitoring?.from?.map(({ namespaceSelector }) => namespaceSelector?.matchLabels),
        ports: [peers?.ports, monitoring?.ports],
      }).toEqual({
        name,
        selects: name,
        from: callers,
        monitoring: [{ 'kubernetes.io/metadata.name': 'monitoring' }],
        ports: [[{ port: 'http' }], [{ port: 'http' }]],
      });
    }
    const gateway = policies.find(({ metadata }) => metadata?.name === 'agora-gateway');
    expect(gateway?.spec?.ingress).toEqual([
      { ports: [{ port: 'http' }] },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ port: 'metrics' }],
      },
    ]);
  });

  it('should scrape /metrics of every service with ServiceMonitors when asked', async () => {
    const monitors = ofKind(await renderChart(EVERYTHING), 'ServiceMonitor');
    expect(
      monitors.map((monitor) => [monitor.metadata.name, monitor.metadata.labels?.['release'], monitor['spec']]),
    ).toEqual(
      SERVICES.map(({ name, metricsPort }) => [
        `agora-${name}`,
        'prometheus',
        {
          selector: { matchLabels: deploymentOf(defaults, name).spec?.selector.matchLabels },
          endpoints: [{ port: metricsPort === undefined ? 'http' : 'metrics', path: '/metrics', interval: '30s' }],
        },
      ]),
    );
  });

  it('should hold helm test pods that pass against a ready gateway answering a query, and fail otherwise', async () => {
    const tests = ofKind(defaults, 'Pod') as unknown as (IPod & KubeObject)[];
    expect(tests.map(({ metadata }) => [metadata.name, metadata.annotations?.['helm.sh/hook']])).toEqual([
      ['agora-test-ready', 'test'],
      ['agora-test-query', 'test'],
    ]);
    let ready = true;
    const server = await serveGraphQL<object>({
      name: 'test-target',
      createApollo: (plugins) => new ApolloServer<object>({ typeDefs: 'type Query { ok: Boolean }', plugins }),
      context: async () => ({}),
      checkReadiness: async () => {
        if (!ready) throw new Error('not ready');
      },
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      maxBodyBytes: 10_000,
      metricsOnMainPort: false,
      traceTrust: 'peers',
    });
    try {
      // The pod's own command, pointed at this server instead of the gateway's Service.
      const runPod = async (pod: IPod) => {
        const [node, ...args] = (pod.spec?.containers[0]?.command ?? []).map((part) =>
          part.replace('http://agora-gateway:4000', `http://127.0.0.1:${server.port}`),
        );
        expect(node).toBe('node');
        return exitCodeOf(process.execPath, args);
      };
      expect(await Promise.all(tests.map(runPod))).toEqual([0, 0]);
      ready = false;
      expect((await Promise.all(tests.map(runPod)))[0]).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('should agree with docker-compose.yml and deploy/src/services.ts on ports, commands and variable names', async () => {
    const compose = parse(await readFile(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    for (const spec of SERVICES) {
      const container = containerOf(defaults, spec.name);
      const composed = compose.services[spec.name === 'gateway' ? 'gateway-1' : spec.name];
      const chartEnv = (container.env ?? []).map(({ name }) => name);
      const composeEnv = Object.keys(composed?.environment ?? {});
      // Compose's differences, each for a reason: NODE_ENV is the image's own, repeated; its
      // one environment block gives every service Redis, used or not; its service names are
      // the ones the gateway's <NAME>_URL and METRICS_PORT default to.
      const composeExtras = ['NODE_ENV', 'REDIS_URL', 'REDIS_PREFIX'];
      const composeDefaults =
        spec.name === 'gateway' ? [...spec.peers.map((peer) => `${peer.toUpperCase()}_URL`), 'METRICS_PORT'] : [];
      expect({
        name: spec.name,
        chart: {
          ports: container.ports?.map(({ containerPort }) => containerPort),
          command: container.args,
          env: chartEnv,
        },
        compose: {
          port: Number(composed?.environment?.['PORT']),
          command: composed?.command,
          env: composeEnv
            .filter((name) => !composeExtras.includes(name) || environmentNames(spec).includes(name))
            .sort(),
        },
      }).toEqual({
        name: spec.name,
        chart: {
          ports: [spec.port, ...(spec.metricsPort === undefined ? [] : [spec.metricsPort])],
          command: commandOf(spec.name),
          env: environmentNames(spec),
        },
        compose: {
          port: spec.port,
          command: commandOf(spec.name),
          env: environmentNames(spec)
            .filter((name) => !composeDefaults.includes(name))
            .sort(),
        },
      });
    }
  });
});
