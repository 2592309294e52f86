import { readFileSync } from 'node:fs';
import { runClosedLoop } from './load/closedLoop.js';
import { summarize } from './load/samples.js';
import { postRequest, dataOfAnswer } from './scenarios/graphqlHttp.js';
const sut = JSON.parse(readFileSync('/tmp/sut.json', 'utf8'));
const target = process.env['T'] === 'gw' ? sut.gw : process.env['T'] ? process.env['T'] : sut.sub.signatures;
const url = new URL(target);
const q = process.env['Q'] ?? '{ __typename }';
for (const c of (process.env['C'] ?? '1,50').split(',').map(Number)) {
  const samples = await runClosedLoop({
    origin: url.origin,
    connections: c,
    durationMs: Number(process.env['D'] ?? 4000),
    maxRequests: 1e6,
    request: () => postRequest(url.pathname, q, undefined, { 'x-agora-gateway-secret': sut.secret }),
    accept: (s, b) => dataOfAnswer(s, b) !== undefined,
  });
  const s = summarize(samples);
  console.log(
    q.slice(0, 40),
    'c=' + c,
    s.throughput.toFixed(0),
    'req/s p50',
    s.p50.toFixed(2),
    'p99',
    s.p99.toFixed(1),
    'failed',
    s.failed,
  );
}
