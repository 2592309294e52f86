import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { generateSigningKeys, type SigningKeys } from '@agora/service';

/** Secrets the all-in-one mode makes up on its first start and keeps for the next ones. */
export interface LocalState {
  gatewaySecret: string;
  postgresPassword: string;
  signingKeys: SigningKeys;
  /** The databases the demo data was loaded into (see `demoDataKey`), so it is loaded once. */
  seededDatabases?: string[];
}

function isLocalState(value: unknown): value is LocalState {
  const state = value as Partial<LocalState> | null;
  return (
    typeof state?.gatewaySecret === 'string' &&
    typeof state.postgresPassword === 'string' &&
    typeof state.signingKeys?.privateKeyPem === 'string' &&
    typeof state.signingKeys.publicKeyPem === 'string' &&
    typeof state.signingKeys.keyId === 'string'
  );
}

/**
 * Reads `<dataDir>/state.json`, creating it on the first start (readable by its owner only),
 * so tokens, the gateway secret and the database password survive a restart.
 */
export async function loadLocalState(dataDir: string): Promise<LocalState> {
  const file = `${dataDir}/state.json`;
  if (existsSync(file)) {
    const state: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (!isLocalState(state)) throw new Error(`${file} is damaged; delete the ${dataDir} folder to start afresh`);
    return state;
  }
  const state: LocalState = {
    gatewaySecret: randomBytes(32).toString('base64url'),
    postgresPassword: randomBytes(24).toString('base64url'),
    signingKeys: generateSigningKeys(),
  };
  await saveLocalState(dataDir, state);
  return state;
}

export async function saveLocalState(dataDir: string, state: LocalState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(`${dataDir}/state.json`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
