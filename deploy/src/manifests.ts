import type { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { Secret } from 'kubernetes-models/v1/Secret';
import type { Service } from 'kubernetes-models/v1/Service';
import { renderAutoscaler, renderDisruptionBudget } from './scaling.js';
import { renderSecrets } from './secrets.js';
import { SERVICES } from './services.js';
import type { ChartValues } from './values.js';
import { renderWorkload } from './workload.js';

export type Manifest = Deployment | Service | HorizontalPodAutoscaler | PodDisruptionBudget | Secret;

/** One file of the chart's `templates/`. */
export interface Template {
  file: string;
  manifests: Manifest[];
}

/** Every object of the chart, one file for the Secrets and one per service. */
export function renderTemplates(values: ChartValues): Template[] {
  return [
    { file: 'secrets.yaml', manifests: renderSecrets(values) },
    ...SERVICES.map((spec) => ({
      file: `${spec.name}.yaml`,
      manifests: [
        ...renderWorkload(spec, values),
        renderAutoscaler(spec, values),
        renderDisruptionBudget(spec, values),
      ].filter((manifest) => manifest !== null),
    })),
  ];
}
