import { readFileSync, writeFileSync } from 'node:fs';
import { startGateway, type GatewayKind } from './system/gateways.js';
const sut = JSON.parse(readFileSync('/tmp/sut.json', 'utf8'));
const agora = {
  subgraphUrls: sut.sub,
  gatewaySecret: sut.secret,
  signingKeys: sut.keys,
  redisUrl: 'redis://127.0.0.1:6379',
  redisPrefix: sut.redisPrefix,
} as never;
const gw = await startGateway((process.env['K'] ?? 'agora') as GatewayKind, agora);
writeFileSync('/tmp/gw.url', gw.url);
console.log('GW', gw.url);
process.on('SIGINT', () => void gw.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void gw.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
