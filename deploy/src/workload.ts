import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { Service } from 'kubernetes-models/v1/Service';
import { CONNECTIONS_SECRET, KEYS_SECRET, secretKeyRef } from './secrets.js';
import {
  LIVENESS_PATH,
  READINESS_PATH,
  resourceName,
  selectorLabels,
  serviceUrl,
  type ServiceSpec,
} from './services.js';
import type { ChartValues } from './values.js';

/** The image's `node` user; the pod refuses to run as root. */
const NODE_USER_ID = 1000;

/** The Deployment and the ClusterIP Service of one service. */
export function renderWorkload(spec: ServiceSpec, values: ChartValues): [Deployment, Service] {
  const name = resourceName(spec.name);
  const labels = selectorLabels(spec.name);
  const own = values.services[spec.name];
  const deployment = new Deployment({
    metadata: { name, labels },
    spec: {
      // An autoscaled Deployment leaves the count to its HorizontalPodAutoscaler.
      ...(own.autoscaling.enabled ? {} : { replicas: own.replicas }),
      selector: { matchLabels: labels },
      template: {
        // For a Prometheus that discovers pods by these (common) annotations.
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(spec.metricsPort ?? spec.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          automountServiceAccountToken: false,
          // SIGTERM: readiness fails, 5 s more serving (SHUTDOWN_DELAY_MS in production, at most
          // 30 s), up to 10 s for in-flight requests; the process itself gives up after 45 s.
          terminationGracePeriodSeconds: 50,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NODE_USER_ID,
            runAsGroup: NODE_USER_ID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: spec.name,
              image: `${values.image.repository}:${values.image.tag}`,
              imagePullPolicy: values.image.pullPolicy,
              args: ['--service', spec.name],
              ports: [
                { name: 'http', containerPort: spec.port },
                ...(spec.metricsPort === undefined ? [] : [{ name: 'metrics', containerPort: spec.metricsPort }]),
              ],
              env: renderEnv(spec, values),
              // Migrations run before the port opens: the startup probe gives them a minute.
              startupProbe: httpProbe(LIVENESS_PATH, 2, 30),
              livenessProbe: httpProbe(LIVENESS_PATH, 10, 3),
              readinessProbe: httpProbe(READINESS_PATH, 5, 2),
              resources: own.resources,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // tsx keeps its compile cache in the temporary folder.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
  const service = new Service({
    metadata: { name, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: spec.port, targetPort: 'http' }] },
  });
  return [deployment, service];
}

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): IProbe {
  return { httpGet: { path, port: 'http' }, periodSeconds, failureThreshold, timeoutSeconds: 2 };
}

/** The settings the service's config reader asks for, then the extra ones from the values. */
function renderEnv(spec: ServiceSpec, values: ChartValues): IEnvVar[] {
  const env: IEnvVar[] = [
    { name: 'PORT', value: String(spec.port) },
    ...(spec.metricsPort === undefined ? [] : [{ name: 'METRICS_PORT', value: String(spec.metricsPort) }]),
    { name: 'GATEWAY_SECRET', valueFrom: secretKeyRef(KEYS_SECRET, 'gateway-secret') },
  ];
  if (spec.database) {
    env.push({ name: 'DATABASE_URL', valueFrom: secretKeyRef(CONNECTIONS_SECRET, `database-url-${spec.name}`) });
  }
  if (spec.redis) {
    env.push(
      { name: 'REDIS_URL', valueFrom: secretKeyRef(CONNECTIONS_SECRET, 'redis-url') },
      { name: 'REDIS_PREFIX', value: values.redis.prefix },
    );
  }
  if (spec.tokenKey !== 'none') {
    env.push(
      { name: 'JWT_KEY_ID', valueFrom: secretKeyRef(KEYS_SECRET, 'jwt-key-id') },
      spec.tokenKey === 'private'
        ? { name: 'JWT_PRIVATE_KEY', valueFrom: secretKeyRef(KEYS_SECRET, 'jwt-private-key') }
        : { name: 'JWT_PUBLIC_KEY', valueFrom: secretKeyRef(KEYS_SECRET, 'jwt-public-key') },
    );
  }
  for (const peer of spec.peers) env.push({ name: `${peer.toUpperCase()}_URL`, value: serviceUrl(peer) });
  for (const [name, value] of Object.entries(values.services[spec.name].env)) {
    if (env.some((variable) => variable.name === name)) {
      throw new Error(`services.${spec.name}.env.${name} is set by the chart itself`);
    }
    env.push({ name, value });
  }
  return env;
}
