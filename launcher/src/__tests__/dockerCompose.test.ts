import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { SUBGRAPHS, defaultSubgraphUrl } from '@agora/schema';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface ComposeService {
  command?: string[];
  container_name?: string;
  scale?: number;
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}

const GATEWAYS = ['gateway-1', 'gateway-2'];

/** `docker compose`, or the standalone `docker-compose` where the plugin is not installed. */
async function compose(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const plugin = await run('docker', ['compose', 'version']).then(
    () => true,
    () => false,
  );
  return plugin
    ? run('docker', ['compose', ...args], { cwd: REPO_ROOT, env })
    : run('docker-compose', args, { cwd: REPO_ROOT, env });
}

/** The services as `docker compose config` resolves them with `env`. */
async function resolvedServices(env: NodeJS.ProcessEnv): Promise<Record<string, ComposeService>> {
  const { stdout } = await compose(['config'], env);
  return (parse(stdout) as { services: Record<string, ComposeService> }).services;
}

/** Containers compose starts for a service: Compose v2 may render `scale` as `deploy.replicas`. */
function replicasOf(service: ComposeService | undefined): number | undefined {
  return service?.scale ?? service?.deploy?.replicas;
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
      [...GATEWAYS, 'nginx', 'postgres', 'redis', ...SUBGRAPHS.map(({ name }) => name)].sort(),
    );
  });

  it('should give every service a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, health: service.healthcheck?.test[0] }).toEqual({ name, health: expect.stringMatching(/^CMD/) });
    }
  });

  it('should run each subgraph and both gateway replicas by argument', () => {
    for (const { name } of SUBGRAPHS) {
      expect({ name, command: services[name]?.command }).toEqual({ name, command: ['--service', name] });
    }
    for (const name of GATEWAYS) {
      expect({ name, command: services[name]?.command }).toEqual({ name, command: ['--service', 'gateway'] });
    }
  });

  it('should run two identical gateways on one Redis, trusting the one proxy in front', () => {
    const [first, second] = GATEWAYS.map((name) => services[name]);
    expect(second).toEqual(first);
    expect(first?.environment).toMatchObject({
      REDIS_URL: 'redis://redis:6379',
      TRUSTED_PROXY_HOPS: '1',
      PORT: '4000',
    });
    for (const { name } of SUBGRAPHS) {
      expect(services[name]?.environment?.['REDIS_URL']).toBe(first?.environment?.['REDIS_URL']);
    }
    expect(first?.ports).toBeUndefined();
  });

  it('should publish :4000 through nginx, which balances HTTP and WebSockets over both gateways', async () => {
    const nginx = services['nginx'];
    expect(nginx?.ports).toEqual(['4000:4000']);
    const [source, target] = nginx?.volumes?.[0]?.split(':') ?? [];
    expect(target).toBe('/etc/nginx/conf.d/default.conf');
    const conf = await readFile(`${REPO_ROOT}${source}`, 'utf8');
    expect([...conf.matchAll(/^\s*server (\S+);/gm)].map((match) => match[1])).toEqual(
      GATEWAYS.map((name) => `${name}:4000`),
    );
    const graphql = /location \/graphql \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(graphql).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(graphql).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(graphql).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(conf).toMatch(/listen 4000;/);
  });

  it('should run one replica of each subgraph, or as many as <NAME>_REPLICAS asks, behind its service name', async () => {
    const replicasVariable = (name: string) => `${name.toUpperCase()}_REPLICAS`;
    const unset = { ...process.env };
    for (const { name } of SUBGRAPHS) delete unset[replicasVariable(name)];
    const single = await resolvedServices(unset);
    const doubled = await resolvedServices({
      ...unset,
      ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [replicasVariable(name), '2'])),
    });
    for (const { name } of SUBGRAPHS) {
      // No host port and no fixed container name: either would stop a second replica from starting.
      expect({
        name,
        replicas: [replicasOf(single[name]), replicasOf(doubled[name])],
        ports: doubled[name]?.ports,
        containerName: doubled[name]?.container_name,
      }).toEqual({ name, replicas: [1, 2], ports: undefined, containerName: undefined });
    }
    // The gateways reach each subgraph by its service name: the supergraph's URL, not overridden.
    for (const { name, port } of SUBGRAPHS) {
      const overrides = GATEWAYS.map((gateway) => doubled[gateway]?.environment?.[`${name.toUpperCase()}_URL`]);
      expect({ name, url: defaultSubgraphUrl(name), overrides }).toEqual({
        name,
        url: `http://${name}:${port}/graphql`,
        overrides: GATEWAYS.map(() => undefined),
      });
    }
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

  it('should start each service only once what it needs is healthy', () => {
    const needs: Record<string, string[]> = {
      ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, ['postgres', 'redis']])),
      orders: ['postgres', 'redis', 'inventory', 'financial', 'users'],
      signatures: ['postgres', 'redis', 'petitions'],
      ...Object.fromEntries(GATEWAYS.map((name) => [name, ['redis', ...SUBGRAPHS.map((subgraph) => subgraph.name)]])),
      nginx: GATEWAYS,
    };
    for (const [name, service] of Object.entries(services)) {
      const conditions = Object.entries(service.depends_on ?? {}).map(([on, { condition }]) => [on, condition]);
      expect({ name, conditions: conditions.sort() }).toEqual({
        name,
        conditions: (needs[name] ?? []).map((on) => [on, 'service_healthy']).sort(),
      });
    }
  });
});
