// The web app (client-example/web, built into its dist folder by `npm run build -w
// client-example`, which `npm start` runs first) served beside the gateway, with
// /config.json telling the app where the gateway is.
import { access, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectableHost, isWildcardHost } from '@agora/service';

export const WEB_APP_DIR = fileURLToPath(new URL('../../client-example/web/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface WebAppOptions {
  /** The built app (index.html and assets/). */
  dir: string;
  port: number;
  host: string;
  /** Where the app sends its GraphQL requests and opens its WebSocket. */
  gatewayUrl: string;
}

export interface RunningWebApp {
  url: string;
  stop(): Promise<void>;
}

/** Whether the app has been built into `dir`. */
export async function webAppBuilt(dir: string): Promise<boolean> {
  return access(path.join(dir, 'index.html')).then(
    () => true,
    () => false,
  );
}

/** The file a request path names inside `dir`, or null when it would leave `dir`. */
function fileFor(dir: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  const root = path.resolve(dir);
  const file = path.join(root, path.normalize(decoded === '/' ? '/index.html' : decoded));
  return file.startsWith(root + path.sep) ? file : null;
}

/**
 * The gateway as the browser asking should name it. Served on every address (HOST=0.0.0.0),
 * the app may have been opened from another machine, a phone on the network say, for which
 * the gateway's printed 127.0.0.1 is itself: so it is named by the host the browser used.
 */
function gatewayUrlFor(req: http.IncomingMessage, options: WebAppOptions): string {
  if (!isWildcardHost(options.host) || req.headers.host === undefined) return options.gatewayUrl;
  try {
    const gateway = new URL(options.gatewayUrl);
    gateway.hostname = new URL(`http://${req.headers.host}`).hostname;
    return gateway.toString();
  } catch {
    return options.gatewayUrl;
  }
}

export async function serveWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const server = http.createServer((req, res) => {
    const requestPath = new URL(req.url ?? '/', 'http://app').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (requestPath === '/config.json') {
      const config = { gatewayUrl: gatewayUrlFor(req, options) };
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' })
        .end(JSON.stringify(config));
      return;
    }
    const file = fileFor(options.dir, requestPath);
    if (file === null) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        // Built assets carry a content hash in their names; index.html must be asked again.
        const cache = requestPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': cache,
          // Files are what their type says; the session token in localStorage stays with them.
          'x-content-type-options': 'nosniff',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${connectableHost(options.host)}:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
