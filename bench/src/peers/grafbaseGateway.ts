// Grafbase, a federation gateway written in Rust, as the ceiling of what a gateway costs on this
// machine: its defaults, plus only what it needs to talk to Agora's subgraphs (their URLs, the
// gateway secret) and to pass on who is calling (the identity headers, which the load generator
// sends in place of a token: no peer verifies Agora's tokens).
//
// npm ships Grafbase's CLI (bench/peers, `@grafbase/cli-x86_64-unknown-linux-musl`, a static
// binary), not its standalone gateway binary. The CLI's `grafbase dev` serves a graph with the
// same engine, but only one it composes itself from subgraph schemas (it takes no ready
// supergraph), so this launcher asks each subgraph for its schema (`_service { sdl }`), writes
// them and a grafbase.toml to a temporary folder, and starts `grafbase dev` on them.
//
// Run by the bench (system/gateways.ts), or by hand once `npm run build` compiled it:
//   GATEWAY_SECRET=… USERS_URL=… (one per subgraph) PORT=0 node --conditions=agora-compiled bench/dist/peers/grafbaseGateway.js
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type DefinitionNode, type DirectiveNode, type TypeNode } from 'graphql';
import { SUBGRAPHS, type SubgraphName } from '@agora/schema';
import { INTERNAL_HEADERS } from '@agora/service';
import { freePortsOutsideEphemeralRange } from '@agora/testkit';
import { sleep } from '../stats.js';
import { spawnUntilReady, type ServiceProcess } from '../system/processes.js';

/** The same path from src/peers and from dist/peers: both are two levels below bench/. */
export const GRAFBASE_BINARY = fileURLToPath(
  new URL('../../peers/node_modules/@grafbase/cli-x86_64-unknown-linux-musl/grafbase', import.meta.url),
);

export interface GrafbaseOptions {
  gatewaySecret: string;
  subgraphUrls: Record<SubgraphName, string>;
  host?: string;
  /** 0 or absent: a free port, chosen here (the CLI is given an address, not asked for one). */
  port?: number;
}

/** Whether the binary is there: npm installs it (bench/peers) on x86-64 Linux only. */
export async function grafbaseInstalled(): Promise<boolean> {
  return access(GRAFBASE_BINARY, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** A subgraph's own schema, with its federation directives, as any federation tool asks for it. */
async function subgraphSdl(url: string, gatewaySecret: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_HEADERS.gatewaySecret]: gatewaySecret },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (sdl === undefined) throw new Error(`${url} gave no schema (HTTP ${response.status}): ${JSON.stringify(body)}`);
  return sdl;
}

const INACCESSIBLE: DirectiveNode = {
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: 'inaccessible' },
  arguments: [],
};

const isInaccessible = (node: { directives?: readonly DirectiveNode[] | undefined }) =>
  (node.directives ?? []).some((directive) => directive.name.value === 'inaccessible');

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/**
 * Grafbase's composition is stricter than Apollo's on one rule: a field or argument whose type
 * is @inaccessible must be marked @inaccessible itself, even inside a type or field that already
 * is (Apollo's accepts those, the element being unreachable either way). Agora's inventory has
 * such elements (StockReservation.status, Mutation.reserveStock(lines:), …), and Grafbase
 * refuses to compose the graph without this. Only elements already hidden by their parent are
 * marked, so the graph clients see is unchanged.
 */
export function markHiddenElementsInaccessible(sdl: string): string {
  const document = parse(sdl);
  const hiddenTypes = new Set(
    document.definitions.flatMap((definition) =>
      'name' in definition && definition.name !== undefined && isInaccessible(definition)
        ? [definition.name.value]
        : [],
    ),
  );
  const mark = <T extends { type: TypeNode; directives?: readonly DirectiveNode[] | undefined }>(
    node: T,
    parentHidden: boolean,
  ): T =>
    parentHidden && hiddenTypes.has(namedType(node.type)) && !isInaccessible(node)
      ? { ...node, directives: [...(node.directives ?? []), INACCESSIBLE] }
      : node;
  const definitions = document.definitions.map((definition): DefinitionNode => {
    if (!('fields' in definition) || definition.fields === undefined) return definition;
    const typeHidden = isInaccessible(definition);
    const fields = definition.fields.map((field) => {
      const fieldHidden = typeHidden || isInaccessible(field);
      const args = 'arguments' in field ? field.arguments?.map((arg) => mark(arg, fieldHidden)) : undefined;
      return mark(args === undefined ? field : { ...field, arguments: args }, typeHidden);
    });
    return { ...definition, fields } as DefinitionNode;
  });
  return print({ ...document, definitions });
}

/** A TOML basic string: JSON's escapes are TOML's for what appears here (paths, URLs). */
const tomlString = (value: string) => JSON.stringify(value);

/**
 * grafbase.toml: each subgraph from its file and URL, and header rules applied to every
 * subgraph request. The secret is read from the environment at start (Grafbase's `{{ env.… }}`),
 * so it is never written to disk; the identity headers are forwarded as the client sent them.
 */
export function grafbaseConfig(subgraphs: readonly { name: string; url: string; schemaPath: string }[]): string {
  const subgraphTables = subgraphs.map(
    ({ name, url, schemaPath }) =>
      `[subgraphs.${name}]\nurl = ${tomlString(url)}\nschema_path = ${tomlString(schemaPath)}\n`,
  );
  const insertSecret = `[[headers]]\nrule = "insert"\nname = "${INTERNAL_HEADERS.gatewaySecret}"\nvalue = "{{ env.GATEWAY_SECRET }}"\n`;
  const forwardIdentity = [INTERNAL_HEADERS.userId, INTERNAL_HEADERS.sessionId].map(
    (header) => `[[headers]]\nrule = "forward"\nname = "${header}"\n`,
  );
  return [...subgraphTables, insertSecret, ...forwardIdentity].join('\n');
}

/** The gateway answers a trivial query: it has composed the graph and built its engine. */
async function waitUntilAnswering(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer yet';
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = (await response.json()) as { data?: { __typename?: string } };
      if (body.data?.__typename === 'Query') return;
      last = `HTTP ${response.status}: ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`Grafbase did not answer at ${url} within ${timeoutMs / 1000} s (${last}):\n${output()}`);
}

/** Writes the subgraphs' schemas and grafbase.toml into `folder`; returns the config's path. */
async function writeGraph(folder: string, options: GrafbaseOptions): Promise<string> {
  const subgraphs = await Promise.all(
    SUBGRAPHS.map(async ({ name }) => {
      const url = options.subgraphUrls[name];
      const schemaPath = path.join(folder, `${name}.graphql`);
      await writeFile(schemaPath, markHiddenElementsInaccessible(await subgraphSdl(url, options.gatewaySecret)));
      return { name, url, schemaPath };
    }),
  );
  const configPath = path.join(folder, 'grafbase.toml');
  await writeFile(configPath, grafbaseConfig(subgraphs));
  return configPath;
}

export async function startGrafbaseGateway(options: GrafbaseOptions): Promise<ServiceProcess> {
  const host = options.host ?? '127.0.0.1';
  const port =
    options.port === undefined || options.port === 0 ? await freePortsOutsideEphemeralRange(1) : options.port;
  const folder = await mkdtemp(path.join(tmpdir(), 'agora-bench-grafbase-'));
  // The CLI keeps its state (credentials, extensions) in a home folder: a fresh one, never the user's.
  const home = path.join(folder, 'home');
  const removeFolder = () => rm(folder, { recursive: true, force: true });
  try {
    await mkdir(home);
    const configPath = await writeGraph(folder, options);
    const gateway = await spawnUntilReady({
      name: 'Grafbase (grafbase dev)',
      command: GRAFBASE_BINARY,
      args: ['--home', home, 'dev', '--config', configPath, '--listen-address', `${host}:${port}`],
      cwd: folder,
      env: { PATH: process.env['PATH'] ?? '', GATEWAY_SECRET: options.gatewaySecret, NO_COLOR: '1' },
      readyPattern: /GraphQL: (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    await waitUntilAnswering(gateway.url, 30_000, gateway.output).catch(async (error: unknown) => {
      await gateway.stop();
      throw error;
    });
    return {
      ...gateway,
      async stop() {
        await gateway.stop();
        await removeFolder();
      },
    };
  } catch (error) {
    await removeFolder();
    throw error;
  }
}

/** By hand: the same environment as the other peers (GATEWAY_SECRET, <NAME>_URL, HOST, PORT). */
async function main(): Promise<void> {
  const required = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new Error(`${name} is required`);
    return value;
  };
  const gateway = await startGrafbaseGateway({
    gatewaySecret: required('GATEWAY_SECRET'),
    subgraphUrls: Object.fromEntries(
      SUBGRAPHS.map(({ name }) => [name, required(`${name.toUpperCase()}_URL`)]),
    ) as Record<SubgraphName, string>,
    host: process.env['HOST'] ?? '127.0.0.1',
    port: Number(process.env['PORT'] ?? 0),
  });
  process.stdout.write(`grafbase gateway listening on ${gateway.url}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void gateway.stop().then(() => process.exit(0));
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
