import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { resourceName, selectorLabels, type ServiceSpec } from './services.js';
import type { ChartValues } from './values.js';

/** Scales the service's Deployment on CPU, when its values enable autoscaling. */
export function renderAutoscaler(spec: ServiceSpec, values: ChartValues): HorizontalPodAutoscaler | null {
  const { autoscaling } = values.services[spec.name];
  if (!autoscaling.enabled) return null;
  const name = resourceName(spec.name);
  return new HorizontalPodAutoscaler({
    metadata: { name, labels: selectorLabels(spec.name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuUtilization },
          },
        },
      ],
    },
  });
}

/**
 * Keeps one pod up through node drains, for a service that runs at least two. With one
 * replica such a budget would block every drain, so that service gets none.
 */
export function renderDisruptionBudget(spec: ServiceSpec, values: ChartValues): PodDisruptionBudget | null {
  const own = values.services[spec.name];
  const fewest = own.autoscaling.enabled ? own.autoscaling.minReplicas : own.replicas;
  if (fewest < 2) return null;
  return new PodDisruptionBudget({
    metadata: { name: resourceName(spec.name), labels: selectorLabels(spec.name) },
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(spec.name) } },
  });
}
