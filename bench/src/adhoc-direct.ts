import { startAgoraUnderTest } from './system/agora.js';
import { openPetitions, signBy } from './scenarios/fixtures.js';
import { runClosedLoop } from './load/closedLoop.js';
import { summarize } from './load/samples.js';
import { postRequest, dataOfAnswer } from './scenarios/graphqlHttp.js';
const agora = await startAgoraUnderTest(
  { databaseServerUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379' },
  console.log,
);
try {
  const ids = await openPetitions(agora, 60);
  for (const [i, id] of ids.entries()) await signBy(agora, id, i % 5);
  const url = new URL(agora.subgraphUrls.signatures);
  const q = process.env['Q'] ?? '{ mostSignedPetitions(first: 50) { id signatureCount } }';
  for (const c of [1, 50]) {
    const samples = await runClosedLoop({
      origin: url.origin,
      connections: c,
      durationMs: 5000,
      maxRequests: 1e6,
      request: () => postRequest('/graphql', q, undefined, { 'x-agora-gateway-secret': agora.gatewaySecret }),
      accept: (s, b) => dataOfAnswer(s, b) !== undefined,
    });
    const s = summarize(samples);
    console.log(c, s.throughput.toFixed(0), s.p50.toFixed(1), s.p99.toFixed(1), s.failed);
  }
} finally {
  await agora.stop();
}
