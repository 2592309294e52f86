// The README's "Use it from your app" snippets, run as a reader would paste them, against a
// live federation: they must keep working as the API changes.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openPetition, startTestAgora, type TestAgora } from '@agora/launcher/testing';
import { eventually } from '@agora/testkit';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
/** Where the snippets' imports (graphql-ws, ws) resolve, as in a reader's own project. */
const CLIENT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

/** The code block after each `<!-- snippet: name -->` marker, by name. */
async function readmeSnippets(): Promise<Map<string, string>> {
  const text = await readFile(README, 'utf8');
  const snippets = new Map<string, string>();
  for (const [, name, code] of text.matchAll(/<!-- snippet: ([\w-]+) -->\n```\w+\n([\s\S]*?)```/g)) {
    snippets.set(name as string, code as string);
  }
  return snippets;
}

interface Run {
  output(): string;
  exited: Promise<number | null>;
  stop(): void;
}

function run(command: string, args: string[], input: string, env: Record<string, string>): Run {
  const child = spawn(command, args, { cwd: CLIENT_DIR, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input);
  return {
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    stop: () => child.kill('SIGTERM'),
  };
}

const runModule = (code: string, env: Record<string, string>) =>
  run(process.execPath, ['--input-type=module'], code, env);

describe('README: Use it from your app', () => {
  let agora: TestAgora;
  let snippets: Map<string, string>;
  let petitionId: string;

  beforeAll(async () => {
    agora = await startTestAgora();
    snippets = await readmeSnippets();
    // The demo user the snippets log in as, and a petition for them to find.
    const registered = await agora.request<{ register: { token: string } }>(
      'mutation ($input: RegisterInput!) { register(input: $input) { ... on AuthPayload { token } } }',
      { input: { email: 'ada@agora.example', password: 'agora-demo', name: 'Ada Lovelace' } },
    );
    petitionId = await openPetition(agora, registered.data?.register.token as string, 'Snippets that run');
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should hold the three snippets the tests run', () => {
    expect([...snippets.keys()].sort()).toEqual(['curl', 'http', 'subscription']);
  });

  it('should list open petitions with curl', async () => {
    const curl = (snippets.get('curl') as string).replace(DEFAULT_URL, agora.gatewayUrl);
    const shell = run('bash', ['-s'], curl, {});

    expect(await shell.exited).toBe(0);
    expect(JSON.parse(shell.output())).toEqual({
      data: { openPetitions: { nodes: [{ title: 'Snippets that run', signatureCount: 0 }] } },
    });
  });

  it('should log in and list petitions over HTTP', async () => {
    const program = runModule(snippets.get('http') as string, { GATEWAY_URL: agora.gatewayUrl });

    expect(await program.exited).toBe(0);
    expect(program.output()).toBe('Signed in as Ada Lovelace\nSnippets that run: 0\n');
  });

  it('should print the current count, then each new one, over graphql-ws', async () => {
    const watcher = runModule(snippets.get('subscription') as string, {
      GATEWAY_URL: agora.gatewayUrl,
      PETITION_ID: petitionId,
    });
    try {
      await eventually(async () => watcher.output() === 'signatures: 0\n', 10_000);
      await agora.request(
        'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }',
        { id: petitionId },
        await agora.mintToken(),
      );
      await eventually(async () => watcher.output() === 'signatures: 0\nsignatures: 1\n', 10_000);
    } finally {
      watcher.stop();
      await watcher.exited;
    }
  });
});
