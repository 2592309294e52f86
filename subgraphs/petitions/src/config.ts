import {
  readConfig,
  readDatabaseUrl,
  readServiceConfig,
  type Env,
  type EnvReader,
  type ServiceConfig,
} from '@agora/config';

export interface PetitionsSettings {
  /** How often the open list in Redis is checked against PostgreSQL. */
  openListReconcileIntervalMs: number;
  /** Petitions one user may write per hour (drafts cost nothing else, so this bounds them). */
  draftsPerHour: number;
}

export interface PetitionsConfig extends PetitionsSettings {
  service: ServiceConfig;
  databaseUrl: string;
}

/** Read the same way here and by the all-in-one launcher. */
export function readPetitionsSettings(r: EnvReader): PetitionsSettings {
  return {
    openListReconcileIntervalMs: r.int('OPEN_LIST_RECONCILE_INTERVAL_MS', { default: 60_000, min: 100 }),
    draftsPerHour: r.int('DRAFT_LIMIT_PER_HOUR', { default: 30, min: 1 }),
  };
}

export const PETITIONS_DEFAULT_PORT = 4005;

/** Reads and validates the petitions service's settings (see its README). */
export function loadPetitionsConfig(env: Env): PetitionsConfig {
  return readConfig('petitions', env, (r) => ({
    service: readServiceConfig(r, PETITIONS_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_petitions'),
    ...readPetitionsSettings(r),
  }));
}
