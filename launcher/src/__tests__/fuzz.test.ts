// A fuzz test of the gateway as deployed (production): a few thousand valid, mutated and
// malformed requests, sent anonymously, with forged credentials and as a user of the fuzzer's
// own, must each get a well-formed GraphQL answer, crash no process, and change no row that
// is not the fuzzer's own. The seed is in the describe name; FUZZ_SEED=<seed> replays a run's
// requests (not their timing: eight are in flight at once), FUZZ_SEED=random explores.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SUBGRAPHS, SUPERGRAPH_PATH, buildApiSchema } from '@agora/schema';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, generateSigningKeys } from '@agora/service';
import { dataOf, eventually } from '@agora/testkit';
import { createTokenIssuer } from '@agora/users';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';
import { addProduct, checkout } from './checkoutHelpers.js';
import {
  PASSWORD,
  buildCorpus,
  createRandom,
  forgedAuthorizations,
  generateRequest,
  randomHeaderValue,
  schemaNames,
  type FuzzRequest,
  type Targets,
} from './fuzzRequests.js';
import { openAllDatabases, rowsOwnedBy, type AllDatabases, type OwnedRows } from './ownedRows.js';

/**
 * `npm test` sends the same requests every run, so CI fails only for a change, not for luck;
 * FUZZ_SEED=random explores (its seed is printed to replay), FUZZ_SEED=<n> replays.
 */
const DEFAULT_SEED = 3_522_334_110;
const SEED = seedFrom(process.env['FUZZ_SEED']);

function seedFrom(setting: string | undefined): number {
  if (setting === undefined || setting === '') return DEFAULT_SEED;
  if (setting === 'random') return Math.floor(Math.random() * 2 ** 32);
  return Number(setting) >>> 0;
}
const MAX_REQUESTS = 3_000;
const IN_FLIGHT = 8;
/** A request the gateway has not answered by then is a finding (a hung request). */
const ANSWER_DEADLINE_MS = 15_000;
const ALLOWED_STATUSES = [200, 400, 401, 405, 413, 415, 429];

// ---------------------------------------------------------------------------------------
// Answers

interface Answer {
  status: number;
  text: string;
}

/** The first error's code, `none` when the answer has no error (or is not GraphQL). */
function codeOf(answer: Answer): string {
  try {
    const body = JSON.parse(answer.text) as { errors?: { extensions?: { code?: unknown } }[] };
    return String(body.errors?.[0]?.extensions?.code ?? 'none');
  } catch {
    return 'none';
  }
}

/** What is wrong with an answer, or nothing: well-formed GraphQL, an expected status, no leak. */
function problemsWith(answer: Answer, leaks: readonly RegExp[]): string[] {
  const problems: string[] = [];
  if (!ALLOWED_STATUSES.includes(answer.status)) problems.push(`HTTP ${answer.status}`);
  for (const leak of leaks) if (leak.test(answer.text)) problems.push(`leaks ${leak.source}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [...problems, 'not JSON'];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [...problems, 'not a JSON object'];
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (errors === undefined) {
    if (typeof data !== 'object' || data === null) problems.push('neither data nor errors');
  } else if (!Array.isArray(errors) || errors.length === 0) {
    problems.push('errors is not a non-empty array');
  } else {
    for (const error of errors as { message?: unknown; extensions?: { code?: unknown } }[]) {
      if (typeof error?.message !== 'string') problems.push('an error without a string message');
      if (typeof error?.extensions?.code !== 'string') problems.push('an error without extensions.code');
    }
  }
  return problems;
}

/** Whether the answer carries data: a refused operation has none. */
function hasData(answer: Answer): boolean {
  try {
    const { data } = JSON.parse(answer.text) as { data?: unknown };
    return data !== undefined && data !== null;
  } catch {
    return false;
  }
}

/** A request as a finding prints it: enough to replay, not 50 kB of it. */
function describeRequest(request: FuzzRequest, authorization: string | undefined) {
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : `base64:${Buffer.from(request.body).toString('base64')}`;
  const clip = (text: string | undefined) =>
    text === undefined || text.length <= 3_000 ? text : `${text.slice(0, 3_000)}… (${text.length} chars)`;
  return {
    kind: request.kind,
    caller: request.caller,
    method: request.method,
    search: clip(request.search),
    headers: { ...request.headers, ...(authorization === undefined ? {} : { authorization: clip(authorization) }) },
    body: clip(body),
  };
}

interface Finding {
  problems: string[];
  status: number;
  answer: string;
  /** How many requests got an answer like this one. */
  times: number;
  /** The smallest of those requests, to replay. */
  request: ReturnType<typeof describeRequest>;
}

/** What makes two answers the same finding: the problems, the status and the messages, values left out. */
function kindOfAnswer(problems: readonly string[], answer: Answer): string {
  let messages: string;
  try {
    const body = JSON.parse(answer.text) as { errors?: { message?: unknown }[] };
    messages = (body.errors ?? []).map((error) => String(error.message)).join(' / ');
  } catch {
    messages = answer.text.slice(0, 80);
  }
  return `${problems.join(', ')} | HTTP ${answer.status} | ${messages.replace(/"[^"]*"|\d+/g, '…')}`;
}

/** Findings grouped by kind of answer, each with its smallest request. */
function createFindingLog() {
  const byKind = new Map<string, Finding>();
  const size = (request: Finding['request']) => (request.body?.length ?? 0) + (request.search?.length ?? 0);
  return {
    record(problems: string[], answer: Answer, request: Finding['request']): void {
      const kind = kindOfAnswer(problems, answer);
      const seen = byKind.get(kind);
      if (seen !== undefined) seen.times++;
      if (seen === undefined || size(request) < size(seen.request)) {
        byKind.set(kind, {
          problems,
          status: answer.status,
          answer: answer.text.slice(0, 1_000),
          times: seen?.times ?? 1,
          request,
        });
      }
    },
    list: (): Finding[] => [...byKind.values()].sort((a, b) => b.times - a.times),
  };
}

/**
 * Sends `maxRequests` requests from `generate`, `inFlight` at a time. Bounded by count, not
 * time, so that what is checked does not depend on how fast the machine is (a hung request
 * is bounded by ANSWER_DEADLINE_MS, and the test's own timeout bounds the rest).
 */
async function runBounded(
  generate: () => FuzzRequest,
  send: (request: FuzzRequest) => Promise<void>,
  bounds: { maxRequests: number; inFlight: number },
): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < bounds.maxRequests) {
      started++;
      await send(generate());
    }
  };
  await Promise.all(Array.from({ length: bounds.inFlight }, worker));
  return started;
}

// ---------------------------------------------------------------------------------------

describe(`the production gateway under fuzzing (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  let agora: TestAgora;
  let dbs: AllDatabases;
  let targets: Targets;
  /** Each product's stock before anything was bought. */
  const initialStock = new Map<string, number>();
  let victimBefore: OwnedRows;
  let attackerBefore: OwnedRows;
  const findings = createFindingLog();
  const internalErrors = createFindingLog();
  const tally = new Map<string, number>();
  let sent = 0;

  const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

  async function request(query: string, variables: Record<string, unknown>, token?: string) {
    return dataOf(await agora.request(query, variables, token));
  }

  /** A user with money, a PAID order (so an invoice), items in the cart, a draft, an open petition. */
  async function shopperWithPetitions(name: string, [bought, inCart]: string[]) {
    const person = await registerUser(agora, name);
    await request('mutation ($a: Int!) { deposit(amount: $a) { __typename } }', { a: 1_000_000 }, person.token);
    const addItem = (productId: string, quantity: number) =>
      request(
        'mutation ($p: ID!, $q: Int!) { addItem(productId: $p, quantity: $q) { __typename } }',
        { p: productId, q: quantity },
        person.token,
      );
    await addItem(bought as string, 2);
    const paid = dataOf(await checkout(agora, person.token, `${name}-setup`)).checkout;
    if (paid.status !== 'PAID' || paid.id === undefined) throw new Error(`checkout: ${JSON.stringify(paid)}`);
    await addItem(inCart as string, 1);
    const drafted = await request(
      'mutation ($input: PetitionInput!) { createPetition(input: $input) { ... on Petition { id } } }',
      { input: { title: `${name}'s draft`, body: `${name}'s secret draft body` } },
      person.token,
    );
    const draft = (drafted['createPetition'] as { id: string }).id;
    const open = await openPetition(agora, person.token, `${name}'s open petition`);
    return { ...person, order: paid.id, draft, open };
  }

  async function sign(token: string, petitionId: string) {
    const signed = await request(
      'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }',
      { id: petitionId },
      token,
    );
    if ((signed['signPetition'] as { __typename: string }).__typename !== 'Signature') throw new Error('sign failed');
  }

  async function login(email: string): Promise<string> {
    const answer = await request(
      'mutation ($input: LoginInput!) { login(input: $input) { ... on AuthPayload { token } } }',
      { input: { email, password: PASSWORD } },
    );
    const token = (answer['login'] as { token?: string }).token;
    if (token === undefined) throw new Error(`login failed: ${JSON.stringify(answer)}`);
    return token;
  }

  beforeAll(async () => {
    agora = await startTestAgora({ production: true });
    dbs = openAllDatabases(agora);
    const stocks = [1_000, 1_000, 1, 0];
    const products = await Promise.all(stocks.map((stock, i) => addProduct(dbs, stock, 100 + i * 250)));
    products.forEach((product, i) => initialStock.set(product, stocks[i] as number));
    const victim = await shopperWithPetitions('Victim', products);
    const attacker = await shopperWithPetitions('Attacker', products);
    targets = { products, victim, attacker };
    await sign(victim.token, victim.open);
    await sign(victim.token, attacker.open);

    // A session the attacker ended, and a token for the victim signed with a key of the attacker's.
    const revoked = await login(attacker.email);
    await request('mutation { logout }', {}, revoked);
    const otherKeys = generateSigningKeys();
    const otherIssuer = createTokenIssuer({
      privateKeyPem: otherKeys.privateKeyPem,
      keyId: agora.signingKeys.keyId,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      ttlSeconds: 3_600,
    });
    const otherKeyToken = (await otherIssuer.issue(victim.id, randomUUID(), otherIssuer.expiryFrom(new Date()))).token;
    const forged = forgedAuthorizations(attacker.token, revoked, otherKeyToken, victim.id);
    const invoice = await dbs.financial.queryOne<{ number: string }>(
      'SELECT number FROM invoices WHERE order_id = $1',
      [victim.order],
    );
    /** What only the victim may see: in an answer to anyone else, unless the request itself named it. */
    const victimSecrets = [
      victim.email,
      "Victim's draft",
      "Victim's secret draft body",
      `INV-${String(invoice?.number).padStart(6, '0')}`,
    ];

    victimBefore = await rowsOwnedBy(dbs, victim.id);
    attackerBefore = await rowsOwnedBy(dbs, attacker.id);

    const r = createRandom(SEED);
    const corpus = buildCorpus(targets);
    const names = schemaNames(buildApiSchema(await readFile(SUPERGRAPH_PATH, 'utf8')));
    const subgraphPorts = Object.values(agora.subgraphUrls).map((url) => new URL(url).port);
    const leaks = [
      /node_modules/,
      /\bat (?:async )?(?:\S+ \()?(?:file:\/\/)?\/[^\s()"]+:\d+:\d+/,
      new RegExp(`(?:127\\.0\\.0\\.1|localhost):(?:${subgraphPorts.join('|')})\\b`),
      /violates (?:check|foreign key|unique) constraint|invalid input syntax for type|syntax error at or near/,
    ];

    // The attacker's session, renewed when the fuzzer logs it out.
    let attackerToken = attacker.token;
    let renewing: Promise<void> | undefined;
    const renewAttacker = () =>
      (renewing ??= login(attacker.email)
        .then((token) => {
          attackerToken = token;
          count('attacker sessions renewed');
        })
        .finally(() => (renewing = undefined)));

    const send = async (fuzzed: FuzzRequest) => {
      const authorization =
        fuzzed.caller === 'attacker'
          ? `Bearer ${attackerToken}`
          : fuzzed.caller === 'forged'
            ? r.chance(0.7)
              ? r.pick(forged)
              : randomHeaderValue(r)
            : undefined;
      const headers = { ...fuzzed.headers, ...(authorization === undefined ? {} : { authorization }) };
      let answer: Answer;
      try {
        const response = await fetch(`${agora.gatewayUrl}${fuzzed.search}`, {
          method: fuzzed.method,
          headers,
          ...(fuzzed.body === undefined ? {} : { body: fuzzed.body }),
          signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
        });
        answer = { status: response.status, text: await response.text() };
      } catch (error) {
        answer = { status: 0, text: `no answer: ${(error as Error).message}` };
      }
      count(`kind ${fuzzed.kind}`);
      count(`caller ${fuzzed.caller}`);
      count(`HTTP ${answer.status}`);
      count(`code ${codeOf(answer)}`);
      const sentText = `${[...new URLSearchParams(fuzzed.search).values()].join(' ')} ${typeof fuzzed.body === 'string' ? fuzzed.body : ''}`;
      const problems = [
        ...problemsWith(answer, leaks),
        ...(fuzzed.kind === 'overCost' && hasData(answer) ? ['ran an operation over the cost limit'] : []),
        ...victimSecrets
          .filter((secret) => answer.text.includes(secret) && !sentText.includes(secret))
          .map((secret) => `shows the victim's ${secret}`),
      ];
      if (problems.length > 0) findings.record(problems, answer, describeRequest(fuzzed, authorization));
      else if (answer.text.includes('"INTERNAL_SERVER_ERROR"')) {
        internalErrors.record(['INTERNAL_SERVER_ERROR'], answer, describeRequest(fuzzed, authorization));
      }
      if (fuzzed.caller === 'attacker' && answer.status === 401 && authorization === `Bearer ${attackerToken}`) {
        await renewAttacker();
      }
    };

    const startedAt = Date.now();
    sent = await runBounded(() => generateRequest(r, corpus, names), send, {
      maxRequests: MAX_REQUESTS,
      inFlight: IN_FLIGHT,
    });
    const summary = [...tally].sort().map(([key, n]) => `${key}: ${n}`);
    console.log(`fuzz seed ${SEED}: ${sent} requests in ${Date.now() - startedAt} ms\n${summary.join('\n')}`);
  }, 90_000);

  afterAll(async () => {
    await dbs?.close();
    await agora?.stop();
  });

  it('should answer every request with a well-formed GraphQL response, an expected status and no internals', () => {
    expect(findings.list()).toEqual([]);
    // The run was a run: it sent every kind of request and got past the gateway's refusals.
    expect(sent).toBe(MAX_REQUESTS);
    const seen = [
      'kind valid',
      'kind mutatedQuery',
      'kind mutatedVariables',
      'kind raw',
      'kind overCost',
      'HTTP 200',
      'HTTP 400',
      'HTTP 401',
    ];
    expect(seen.filter((key) => (tally.get(key) ?? 0) === 0)).toEqual([]);
  });

  it('should answer no request with an internal (masked) error', () => {
    expect(internalErrors.list()).toEqual([]);
  });

  it('should leave the gateway and every subgraph ready, and still serving', async () => {
    const urls = [agora.gatewayUrl, ...SUBGRAPHS.map(({ name }) => agora.subgraphUrls[name])];
    const readiness = await Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url.replace(/\/graphql$/, '/health/ready'));
        return { url, status: response.status, body: (await response.json()) as unknown };
      }),
    );
    expect(readiness).toEqual(urls.map((url) => ({ url, status: 200, body: { status: 'ready' } })));

    const victim = targets.victim;
    const answer = await agora.request(
      `query ($id: ID!) { me { id email cart { itemCount } orders { nodes { id status } } }
        petition(id: $id) { id status creator { id } } }`,
      { id: victim.open },
      victim.token,
    );
    expect(answer).toEqual({
      status: 200,
      data: {
        me: {
          id: victim.id,
          email: victim.email,
          cart: { itemCount: 1 },
          orders: { nodes: [{ id: victim.order, status: 'PAID' }] },
        },
        petition: { id: victim.open, status: 'OPEN', creator: { id: victim.id } },
      },
    });
  });

  it('should leave every row the victim owns byte for byte as it was', async () => {
    // The attacker may sign the victim's open petition: that count moves, and is checked below.
    const { signatureCounts: _countsBefore, ...before } = victimBefore;
    const { signatureCounts: _countsAfter, ...after } = await rowsOwnedBy(dbs, targets.victim.id);

    expect(after).toEqual(before);
    // The control: the fuzzer's own writes did reach the databases.
    expect(await rowsOwnedBy(dbs, targets.attacker.id)).not.toEqual(attackerBefore);
  });

  it('should keep money, stock, orders, signatures and petition events consistent', async () => {
    expect(await inconsistencies(dbs, initialStock)).toEqual({
      balances: [],
      invoiceNumbers: [],
      payments: [],
      stock: [],
      orders: [],
      signatureCounts: [],
      signaturesOnUnopenedPetitions: [],
      petitionEvents: [],
      replicas: [],
    });
  });
});

// ---------------------------------------------------------------------------------------
// Invariants that hold whatever the fuzzer did

/** Rows that break an invariant, by invariant; every list empty when all hold. */
async function inconsistencies(dbs: AllDatabases, initialStock: ReadonlyMap<string, number>) {
  const orders = await dbs.orders.query<{ id: string; status: string; total: number }>(
    'SELECT id, status, total_amount AS total FROM orders ORDER BY id',
  );
  const payments = new Map(
    (
      await dbs.financial.query<{ orderId: string; status: string; amount: number }>(
        'SELECT order_id AS "orderId", status, amount FROM payments',
      )
    ).map((payment) => [payment.orderId, `${payment.status} ${payment.amount}`]),
  );
  const reservations = new Map(
    (
      await dbs.inventory.query<{ orderId: string; status: string }>(
        'SELECT order_id AS "orderId", status FROM reservations',
      )
    ).map((reservation) => [reservation.orderId, reservation.status]),
  );
  /** What each order's payment and reservation must be, by the order's status. */
  const expected = (order: { status: string; total: number }): [string | undefined, string[]] | null => {
    switch (order.status) {
      case 'PAID':
        return [`CAPTURED ${order.total}`, ['COMMITTED']];
      case 'CANCELLED':
        return [`REFUNDED ${order.total}`, ['RESTOCKED']];
      case 'PAYMENT_DECLINED':
        return [undefined, ['RELEASED']];
      case 'REJECTED':
        return [undefined, ['RELEASED', 'none']];
      default:
        return null; // PENDING or ABANDONED: no checkout should be left unfinished or undone.
    }
  };
  const petitionStatus = new Map(
    (await dbs.petitions.query<{ id: string; status: string }>('SELECT id, status FROM petitions')).map((petition) => [
      petition.id,
      petition.status,
    ]),
  );
  const signedPetitions = await dbs.signatures.query<{ petitionId: string }>(
    'SELECT DISTINCT petition_id AS "petitionId" FROM signatures',
  );
  const replicaMismatches = async () => {
    const replicas = new Map(
      (
        await dbs.signatures.query<{ petitionId: string; status: string }>(
          'SELECT petition_id AS "petitionId", status FROM petition_replicas',
        )
      ).map((replica) => [replica.petitionId, replica.status]),
    );
    return [...petitionStatus]
      .filter(([id, status]) => (status === 'CREATED' ? replicas.has(id) : replicas.get(id) !== status))
      .map(([id, status]) => ({ id, status, replica: replicas.get(id) ?? null }));
  };
  // The replica follows launches and closes through pub/sub: give the last events time to land.
  await eventually(async () => (await replicaMismatches()).length === 0, 5_000).catch(() => undefined);

  const stock = await dbs.inventory.query<{ id: string; stock: number; held: number }>(
    `SELECT p.id, p.stock, COALESCE(sum(l.quantity) FILTER (WHERE r.status IN ('RESERVED', 'COMMITTED')), 0)::int AS held
     FROM products p
     LEFT JOIN reservation_lines l ON l.product_id = p.id
     LEFT JOIN reservations r ON r.order_id = l.order_id
     GROUP BY p.id`,
  );
  return {
    balances: await dbs.financial.query(
      `SELECT a.id, a.balance_amount, COALESCE(sum(l.amount), 0)::int AS ledger_sum
       FROM accounts a LEFT JOIN ledger_entries l ON l.account_id = a.id
       GROUP BY a.id HAVING a.balance_amount <> COALESCE(sum(l.amount), 0) OR a.balance_amount < 0`,
    ),
    invoiceNumbers: await dbs.financial.query(
      `SELECT count(*)::int AS invoices, COALESCE(max(number), 0)::int AS highest,
              (SELECT last_number FROM invoice_counter)::int AS counter
       FROM invoices
       HAVING count(*) <> COALESCE(max(number), 0) OR count(*) <> (SELECT last_number FROM invoice_counter)`,
    ),
    payments: await dbs.financial.query(
      `SELECT p.order_id, p.status, p.amount, i.total_amount AS invoiced,
              (SELECT COALESCE(sum(amount), 0)::int FROM ledger_entries l WHERE l.order_id = p.order_id) AS ledger_sum
       FROM payments p LEFT JOIN invoices i ON i.order_id = p.order_id
       WHERE i.total_amount IS DISTINCT FROM p.amount
          OR (SELECT COALESCE(sum(amount), 0) FROM ledger_entries l WHERE l.order_id = p.order_id)
             <> CASE p.status WHEN 'CAPTURED' THEN -p.amount ELSE 0 END`,
    ),
    stock: stock.filter(
      (product) =>
        product.stock < 0 || product.stock + product.held !== (initialStock.get(product.id) ?? product.stock),
    ),
    orders: orders
      .map((order) => ({
        ...order,
        payment: payments.get(order.id),
        reservation: reservations.get(order.id) ?? 'none',
      }))
      .filter((order) => {
        const [payment, reservation] = expected(order) ?? ['unexpected status', []];
        return order.payment !== payment || !reservation.includes(order.reservation);
      }),
    signatureCounts: await dbs.signatures.query(
      `SELECT COALESCE(c.petition_id, s.petition_id) AS petition_id, c.count, s.n
       FROM signature_counts c
       FULL JOIN (SELECT petition_id, count(*)::int AS n FROM signatures GROUP BY petition_id) s
         ON s.petition_id = c.petition_id
       WHERE COALESCE(c.count, 0) <> COALESCE(s.n, 0)`,
    ),
    signaturesOnUnopenedPetitions: signedPetitions
      .filter(({ petitionId }) => !['OPEN', 'CLOSED'].includes(petitionStatus.get(petitionId) ?? 'missing'))
      .map(({ petitionId }) => ({ petitionId, status: petitionStatus.get(petitionId) ?? null })),
    petitionEvents: await dbs.petitions.query(
      `SELECT p.id, p.status, array_agg(e.status ORDER BY e.sequence) FILTER (WHERE e.sequence IS NOT NULL) AS events
       FROM petitions p LEFT JOIN petition_events e ON e.petition_id = p.id
       GROUP BY p.id, p.status
       HAVING COALESCE(array_agg(e.status ORDER BY e.sequence) FILTER (WHERE e.sequence IS NOT NULL), '{}') <>
              CASE p.status WHEN 'CREATED' THEN '{}'::text[] WHEN 'OPEN' THEN '{OPEN}' ELSE '{OPEN,CLOSED}' END
       UNION ALL
       SELECT NULL, 'sequence', ARRAY[count(*)::text, max(sequence)::text, (SELECT last_sequence FROM petition_event_counter)::text]
       FROM petition_events
       HAVING count(*) <> COALESCE(max(sequence), 0) OR count(*) <> (SELECT last_sequence FROM petition_event_counter)`,
    ),
    replicas: await replicaMismatches(),
  };
}
