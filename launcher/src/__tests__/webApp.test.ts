import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveWebApp, webAppBuilt, type RunningWebApp } from '../webApp.js';

/** A raw GET (fetch would normalise `..` away before sending it). */
function rawGet(
  url: string,
  requestPath: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = http.get({ hostname, port, path: requestPath, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body }),
      );
    });
    request.on('error', reject);
  });
}

describe('serving the built web app', () => {
  let dir: string;
  let app: RunningWebApp;

  beforeAll(async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
    dir = path.join(root, 'dist');
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Agora</title>');
    await writeFile(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(path.join(root, 'secret.txt'), 'not for the web');
    app = await serveWebApp({ dir, port: 0, host: '127.0.0.1', gatewayUrl: 'http://127.0.0.1:4000/graphql' });
  });

  afterAll(async () => {
    await app.stop();
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('should tell whether the app has been built', async () => {
    expect(await webAppBuilt(dir)).toBe(true);
    expect(await webAppBuilt(path.dirname(dir))).toBe(false);
  });

  it('should serve index.html at /, assets with their type, and name the gateway in config.json', async () => {
    const index = await rawGet(app.url, '/');
    const script = await rawGet(app.url, '/assets/index-abc.js');
    const config = await rawGet(app.url, '/config.json');

    expect(index).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><title>Agora</title>',
    });
    expect(script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' });
    expect(JSON.parse(config.body)).toEqual({ gatewayUrl: 'http://127.0.0.1:4000/graphql' });
  });

  it('should answer 404 for missing files and for paths that leave the app folder', async () => {
    expect((await rawGet(app.url, '/nothing.js')).status).toBe(404);
    expect((await rawGet(app.url, '/../secret.txt')).status).toBe(404);
    expect((await rawGet(app.url, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await rawGet(app.url, '/%E0%A4%A')).status).toBe(404);
  });
});

describe('serving the web app on every address (HOST=0.0.0.0)', () => {
  let app: RunningWebApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Agora</title>');
    app = await serveWebApp({ dir, port: 0, host: '0.0.0.0', gatewayUrl: 'http://127.0.0.1:4000/graphql' });
  });

  afterAll(async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should print a URL this machine can open', () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('should name the gateway by the host the browser used, so that other machines reach it', async () => {
    const fromPhone = await rawGet(app.url, '/config.json', { host: '192.168.1.20:4080' });
    const fromIpv6 = await rawGet(app.url, '/config.json', { host: '[fd00::7]:4080' });
    const noHost = await rawGet(app.url, '/config.json', { host: 'not a host' });

    expect(JSON.parse(fromPhone.body)).toEqual({ gatewayUrl: 'http://192.168.1.20:4000/graphql' });
    expect(JSON.parse(fromIpv6.body)).toEqual({ gatewayUrl: 'http://[fd00::7]:4000/graphql' });
    expect(JSON.parse(noHost.body)).toEqual({ gatewayUrl: 'http://127.0.0.1:4000/graphql' });
  });
});
