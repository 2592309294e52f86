// Ports for a server a test stops and starts again on the same port (a killed gateway, the
// bench's subgraphs restarted with other settings), and for one nothing listens on.
//
// Port 0 is no good there: the kernel hands out such ports from its ephemeral range, the same
// range it takes the local port of every outgoing connection from. Between the stop and the
// start, any connection the suite opens (to PostgreSQL, Redis, another test's server) can take
// the freed port, and the start fails with EADDRINUSE; CI saw exactly that. Ports below the
// ephemeral range are only ever taken by someone asking for them by number.
import { readFile } from 'node:fs/promises';
import net from 'node:net';

const LOWEST_PORT = 10_000;
/** Linux's default start of the ephemeral range, when the machine does not say (not Linux). */
const DEFAULT_EPHEMERAL_START = 32_768;
const ATTEMPTS = 100;

/** The first of `count` consecutive ports on 127.0.0.1, free now and outside the ephemeral range. */
export async function freePortsOutsideEphemeralRange(count = 1): Promise<number> {
  const highestBase = (await ephemeralRangeStart()) - count;
  if (highestBase < LOWEST_PORT) throw new Error(`no room for ${count} ports below the ephemeral range`);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const base = LOWEST_PORT + Math.floor(Math.random() * (highestBase - LOWEST_PORT + 1));
    const ports = Array.from({ length: count }, (_, index) => base + index);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found below the ephemeral range`);
}

/**
 * A port nothing listens on, where a connection is refused as by a service that is down.
 * Outside the ephemeral range, so no outgoing connection of the suite takes it meanwhile.
 */
export function closedPort(): Promise<number> {
  return freePortsOutsideEphemeralRange(1);
}

/** Where the kernel's ephemeral range starts (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
export async function ephemeralRangeStart(): Promise<number> {
  try {
    const [start] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/);
    const port = Number(start);
    return Number.isInteger(port) && port > 0 ? port : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
