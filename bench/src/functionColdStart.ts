// One cold start, spawned by bench/src/functions.ts: a fresh Node process imports the
// inventory function's Lambda handler and answers one request, as a new instance would.
// Settings come from the environment; it prints `answer {…}` (among the function's log lines) and exits.
const { lambda } = await import('@agora/inventory/function');
const imported = performance.now();
const result = await lambda({
  rawPath: '/graphql',
  rawQueryString: '',
  headers: {
    'content-type': 'application/json',
    'x-agora-gateway-secret': process.env['GATEWAY_SECRET'] ?? '',
  },
  body: process.env['BENCH_BODY'] ?? '',
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST' } },
});
const answered = performance.now();
// performance.now() counts from this process's start: import and first answer, apart.
process.stdout.write(
  `answer ${JSON.stringify({ status: result.statusCode, body: result.body, imported, answered })}\n`,
);
// The pool would keep the process alive; a platform freezes or ends it instead.
process.exit(0);
