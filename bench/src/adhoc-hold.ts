import { writeFileSync } from 'node:fs';
import { startAgoraUnderTest } from './system/agora.js';
import { openPetitions, signBy } from './scenarios/fixtures.js';
const agora = await startAgoraUnderTest(
  { databaseServerUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379' },
  console.log,
);
const ids = await openPetitions(agora, 60);
for (const [i, id] of ids.entries()) await signBy(agora, id, i % 5);
writeFileSync(
  '/tmp/sut.json',
  JSON.stringify({
    gw: agora.gatewayUrl,
    sub: agora.subgraphUrls,
    secret: agora.gatewaySecret,
    keys: agora.signingKeys,
    redisPrefix: agora.redisPrefix,
  }),
);
console.log('READY');
process.on('SIGINT', () => void agora.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
