// Production runs the JavaScript `npm run build` writes into each workspace's dist/ (jest's
// globalSetup builds it before any test), loaded through the `agora-compiled` export condition
// with no transpiler: what the image, the functions and the bench run. Plain Node cannot load
// our sources (they import './x.js', which exists only in dist/), so a package resolved to
// src/ fails these tests rather than passing unnoticed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, withDatabase } from '@agora/db';
import { INVENTORY_SCHEMA_PATH } from '@agora/inventory';
import { TEST_DATABASE_SERVER, ownTypeDefinitions, postGraphQL, uniqueTag } from '@agora/testkit';

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const CONDITION = '--conditions=agora-compiled';
const SDL_QUERY = '{ _service { sdl } }';

type Exports = Record<string, string | Record<string, string>>;

/** Every workspace's package.json with its exports, from the root's workspace globs. */
async function workspaceExports(): Promise<{ dir: string; exports: Exports }[]> {
  const root = JSON.parse(await readFile(path.join(REPO_DIR, 'package.json'), 'utf8')) as { workspaces: string[] };
  const dirs = (
    await Promise.all(
      root.workspaces.map(async (pattern) =>
        pattern.endsWith('/*')
          ? (await readdir(path.join(REPO_DIR, pattern.slice(0, -2)))).map((name) => `${pattern.slice(0, -2)}/${name}`)
          : [pattern],
      ),
    )
  ).flat();
  const found = await Promise.all(
    dirs.map(async (dir) => {
      const text = await readFile(path.join(REPO_DIR, dir, 'package.json'), 'utf8').catch(() => undefined);
      const exports = text === undefined ? undefined : (JSON.parse(text) as { exports?: Exports }).exports;
      return exports === undefined ? [] : [{ dir, exports }];
    }),
  );
  return found.flat();
}

/** Runs `node <args>` from the repository and resolves with its exit code and everything it printed. */
function run(args: string[], env: NodeJS.ProcessEnv, children: Set<ChildProcess>) {
  const child = spawn(process.execPath, args, { cwd: REPO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  function waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = () => {
        const match = pattern.exec(output);
        if (match === null) return;
        clearTimeout(timer);
        resolve(match);
      };
      child.stdout.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`Exited with ${code} before ${pattern}:\n${output}`));
      });
    });
  }
  return { child, exited, waitFor, output: () => output };
}

describe('the compiled build', () => {
  const children = new Set<ChildProcess>();
  const databaseUrl = withDatabase(TEST_DATABASE_SERVER, `agora_test_compiled_${uniqueTag()}`);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: '1',
    GATEWAY_SECRET: randomBytes(24).toString('hex'),
    DATABASE_URL: databaseUrl,
  };
  const expectedTypes = async () => ownTypeDefinitions(await readFile(INVENTORY_SCHEMA_PATH, 'utf8'));

  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await dropDatabase(databaseUrl);
  });

  it('should give every export of every workspace a compiled file under the agora-compiled condition', async () => {
    const missing: string[] = [];
    for (const { dir, exports } of await workspaceExports()) {
      for (const [subpath, target] of Object.entries(exports)) {
        const compiled = typeof target === 'string' ? undefined : target['agora-compiled'];
        if (compiled === undefined) {
          missing.push(`${dir} "${subpath}": no agora-compiled condition`);
          continue;
        }
        await access(path.join(REPO_DIR, dir, compiled)).catch(() => missing.push(`${dir} "${subpath}": ${compiled}`));
      }
    }

    expect(missing).toEqual([]);
  });

  it('should serve a subgraph from dist/ when started as the image starts it', async () => {
    const service = run(
      [CONDITION, 'launcher/dist/main.js', '--service', 'inventory'],
      { ...env, PORT: '0', HOST: '127.0.0.1' },
      children,
    );
    const [, url] = await service.waitFor(/"url":"(http:\/\/[^"]+)"/);

    const result = await postGraphQL<{ _service: { sdl: string } }>(url as string, SDL_QUERY, {
      headers: { 'x-agora-gateway-secret': env.GATEWAY_SECRET },
    });
    expect(ownTypeDefinitions(result.data?._service.sdl ?? '')).toBe(await expectedTypes());
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('should answer through the compiled Lambda handler in a fresh process', async () => {
    // As a Lambda runtime loads it: import the function module, invoke the handler once.
    const script = [
      "const { lambda } = await import('@agora/inventory/function');",
      'const result = await lambda(JSON.parse(process.env.EVENT));',
      'process.stdout.write(`answer ${JSON.stringify(result)}\\n`);',
      'process.exit(0);',
    ].join('\n');
    const event = {
      rawPath: '/graphql',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'x-agora-gateway-secret': env.GATEWAY_SECRET },
      body: JSON.stringify({ query: SDL_QUERY }),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' } },
    };
    const fn = run(
      [CONDITION, '--input-type=module', '-e', script],
      { ...env, EVENT: JSON.stringify(event) },
      children,
    );
    const [, answer] = await fn.waitFor(/^answer (.*)$/m);

    const { statusCode, body } = JSON.parse(answer as string) as { statusCode: number; body: string };
    expect(statusCode).toBe(200);
    const sdl = (JSON.parse(body) as { data?: { _service?: { sdl?: string } } }).data?._service?.sdl ?? '';
    expect(ownTypeDefinitions(sdl)).toBe(await expectedTypes());
  });
});
