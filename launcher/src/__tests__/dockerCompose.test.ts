import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { SUBGRAPHS } from '@agora/schema';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

/** `docker compose`, or the standalone `docker-compose` where the plugin is not installed. */
async function compose(args: string[]) {
  const plugin = await run('docker', ['compose', 'version']).then(
    () => true,
    () => false,
  );
  return plugin
    ? run('docker', ['compose', ...args], { cwd: REPO_ROOT })
    : run('docker-compose', args, { cwd: REPO_ROOT });
}

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;

  beforeAll(async () => {
    services = (
      parse(await readFile(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
        services: Record<string, ComposeService>;
      }
    ).services;
  });

  it('should pass `docker compose config`', async () => {
    expect(existsSync(`${REPO_ROOT}.env`)).toBe(false);
    const { stdout } = await compose(['config', '--services']);
    expect(stdout.trim().split('\n').sort()).toEqual(
      ['gateway', 'postgres', 'redis', ...SUBGRAPHS.map(({ name }) => name)].sort(),
    );
  });

  it('should run each subgraph and the gateway by argument, each with a health check', () => {
    for (const name of ['gateway', ...SUBGRAPHS.map((subgraph) => subgraph.name)]) {
      expect({ name, command: services[name]?.command, health: services[name]?.healthcheck?.test[0] }).toEqual({
        name,
        command: ['--service', name],
        health: 'CMD',
      });
    }
    expect(services['postgres']?.healthcheck).toBeDefined();
    expect(services['redis']?.healthcheck).toBeDefined();
  });

  it('should give each subgraph its own database, its port and the peers it calls', () => {
    for (const { name, port } of SUBGRAPHS) {
      const environment = services[name]?.environment ?? {};
      expect({ name, port: environment['PORT'], database: environment['DATABASE_URL']?.split('/').pop() }).toEqual({
        name,
        port: String(port),
        database: `agora_${name}`,
      });
    }
    expect(services['orders']?.environment?.['INVENTORY_URL']).toBe('http://inventory:4002/graphql');
    expect(services['orders']?.environment?.['FINANCIAL_URL']).toBe('http://financial:4004/graphql');
    expect(services['orders']?.environment?.['USERS_URL']).toBe('http://users:4001/graphql');
    expect(services['signatures']?.environment?.['PETITIONS_URL']).toBe('http://petitions:4005/graphql');
  });

  it('should start the gateway only once every subgraph is healthy', () => {
    const dependsOn = services['gateway']?.depends_on ?? {};
    for (const { name } of SUBGRAPHS)
      expect({ name, condition: dependsOn[name]?.condition }).toEqual({ name, condition: 'service_healthy' });
  });
});
