// The fuzzer's requests for fuzz.test.ts: a seeded generator, a corpus of valid operations
// over the public API, and mutations of operations, variables, bodies and credentials.
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import type { registerUser } from '../testAgora.js';

/** The password `registerUser` gives every user. */
export const PASSWORD = 'correct horse battery';

// Randomness

/** mulberry32: a tiny seeded generator, so that a run can be replayed from its seed. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    /** 0 to max - 1. */
    int: (max: number): number => Math.floor(next() * max),
    chance: (probability: number): boolean => next() < probability,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

export type Random = ReturnType<typeof createRandom>;

/** Runs one of the makers, chosen in proportion to its weight. */
function weighted<T>(r: Random, choices: readonly (readonly [number, () => T])[]): T {
  let ticket = r.int(choices.reduce((sum, [weight]) => sum + weight, 0));
  for (const [weight, make] of choices) {
    if (ticket < weight) return make();
    ticket -= weight;
  }
  throw new Error('unreachable: the ticket is below the total weight');
}

const INTERESTING_NUMBERS = [
  0,
  -1,
  1,
  2,
  100,
  101,
  -100,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
  1.5,
  0.1,
  1e-9,
  100_000_000,
  100_000_001,
  999_999_999_999,
];

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  '0',
  "'; DROP TABLE orders; --",
  '{"$gt": ""}',
  '../../../etc/passwd',
  '\u202e\u0000\ud83d\ude00',
  '\ud800',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '\r\n\t',
  'ß中文😀👩‍👩‍👧‍👦',
  'A'.repeat(151),
  'a@b',
];

const PIECES = ['a', 'Z', '7', ' ', '-', '_', '"', '\\', '{', '}', '$', '\n', '\u0000', 'é', '中', '😀', '\u200b', '%'];

/** Short strings mostly; now and then up to `maxLength` (50 kB at most). */
function randomString(r: Random, maxLength = 200): string {
  if (r.chance(0.3)) return r.pick(WEIRD_STRINGS);
  const length = r.chance(0.1) ? r.int(maxLength) : r.int(40);
  let chunk = '';
  for (let i = 0; i < Math.min(length, 64); i++) chunk += r.pick(PIECES);
  return length <= 64 ? chunk : chunk.repeat(Math.ceil(length / Math.max(chunk.length, 1))).slice(0, length);
}

/**
 * `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels deep. JSON.stringify would overflow the
 * stack on it, so it stands as a marker that `toJsonText` expands.
 */
function deeplyNested(r: Random, depth: number): string {
  return `\u0001DEEP ${depth} ${r.pick(['list', 'object'])} ${r.pick(['1', 'x', 'null', 'true'])}\u0001`;
}

const DEEP_MARKER = /"\\u0001DEEP (\d+) (list|object) (1|x|null|true)\\u0001"/g;

/** JSON text of `value`, deeply nested values expanded. */
function toJsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(
    DEEP_MARKER,
    (_marker, depth: string, kind: string, leaf: string) => {
      const [open, close] = kind === 'list' ? ['[', ']'] : ['{"a":', '}'];
      return open.repeat(Number(depth)) + (leaf === 'x' ? '"x"' : leaf) + close.repeat(Number(depth));
    },
  );
}

/** Any JSON value, nested at most `depth` levels. */
function randomJson(r: Random, depth = 3): unknown {
  return weighted<unknown>(r, [
    [4, () => r.pick(INTERESTING_NUMBERS)],
    [4, () => randomString(r)],
    [2, () => r.pick([null, true, false])],
    [2, () => (depth > 0 ? Array.from({ length: r.int(4) }, () => randomJson(r, depth - 1)) : [])],
    [
      2,
      () =>
        depth > 0
          ? Object.fromEntries(Array.from({ length: r.int(4) }, () => [randomName(r), randomJson(r, depth - 1)]))
          : {},
    ],
    [1, () => deeplyNested(r, 10 + r.int(2_000))],
  ]);
}

function randomName(r: Random): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz_ABCXYZ';
  let name = r.pick(letters.split(''));
  for (let i = r.int(12); i > 0; i--) name += r.pick(`${letters}0123456789`.split(''));
  return name;
}

function randomUuid(r: Random): string {
  const hex = () => r.int(16).toString(16);
  const run = (length: number) => Array.from({ length }, hex).join('');
  return `${run(8)}-${run(4)}-4${run(3)}-a${run(3)}-${run(12)}`;
}

/** A GraphQL value literal as text: valid, of the wrong type, or not a literal at all. */
function randomLiteral(r: Random): string {
  return weighted(r, [
    [3, () => String(r.pick(INTERESTING_NUMBERS))],
    [1, () => r.pick(['99999999999999999999999999', '1e400', '-0', '0x10', '01', '1.', '.5', 'NaN', 'Infinity'])],
    [4, () => JSON.stringify(randomString(r, 2_000))],
    [1, () => r.pick(['"""block\nstring"""', '"unterminated', '"\\uZZZZ"', '"\\x00"'])],
    [2, () => r.pick(['null', 'true', 'false', 'PAID', 'OPEN', 'NOT_A_VALUE', '$undeclared'])],
    [1, () => `[${Array.from({ length: r.int(4) }, () => randomLiteral(r)).join(', ')}]`],
    [1, () => `{ ${randomName(r)}: ${randomLiteral(r)}, title: "t", body: "b" }`],
    [1, () => '['.repeat(50 + r.int(500)) + ']'.repeat(50 + r.int(500))],
  ]);
}

// ---------------------------------------------------------------------------------------
// The corpus: valid operations covering the public API

export interface Targets {
  products: string[];
  victim: Person & { order: string; draft: string; open: string };
  attacker: Person & { order: string; draft: string; open: string };
}

type Person = Awaited<ReturnType<typeof registerUser>>;

interface Operation {
  query: string;
  variables(r: Random): Record<string, unknown>;
}

/** An id to aim at: mostly the victim's, the attacker's or a product's; else nobody's, or no id at all. */
function randomId(r: Random, t: Targets): unknown {
  const known = [
    ...t.products,
    t.victim.id,
    t.victim.order,
    t.victim.draft,
    t.victim.open,
    t.attacker.id,
    t.attacker.order,
    t.attacker.draft,
    t.attacker.open,
  ];
  return weighted<unknown>(r, [
    [6, () => r.pick(known)],
    [1, () => r.pick(known).toUpperCase()],
    [1, () => randomUuid(r)],
    [1, () => r.pick(['00000000-0000-0000-0000-000000000000', 'not-an-id', '1', `${r.pick(known)}\u0000`])],
    [1, () => randomString(r, 5_000)],
  ]);
}

function randomCount(r: Random): number {
  return r.chance(0.6) ? 1 + r.int(5) : r.pick(INTERESTING_NUMBERS);
}

/**
 * A cursor shaped like the ones the lists issue (base64url of `[key, id]`), around a sort key
 * that may be a timestamp no calendar has, a number, or text; or no cursor at all.
 */
function randomCursor(r: Random, t: Targets): string {
  const two = (max: number) => String(r.int(max)).padStart(2, '0');
  const key = weighted(r, [
    [
      4,
      () =>
        `${String(r.pick([0, 1, 1969, 2024, 2025, 9999])).padStart(4, '0')}-${two(14)}-` +
        `${r.chance(0.5) ? two(33) : r.pick(['00', '28', '29', '30', '31', '32'])}` +
        `T${two(26)}:${two(61)}:${two(62)}${r.pick(['', '.5', '.123456789'])}Z`,
    ],
    [2, () => String(r.pick([0, 1, 999_999_999_999_999, r.int(1_000)]))],
    [1, () => randomString(r, 2_000)],
  ]);
  const id = r.chance(0.8) ? String(randomId(r, t)) : randomUuid(r);
  return weighted(r, [
    [6, () => Buffer.from(JSON.stringify([key, id])).toString('base64url')],
    [1, () => Buffer.from(JSON.stringify([key, id, key])).toString('base64url')],
    [1, () => randomString(r)],
  ]);
}

const PRODUCT_FIELDS =
  'fragment ProductFields on Product { id sku name description price { amount currency } stock inStock }';
const RESULT_FIELDS = '__typename ... on ErrorResult { code message }';

export function buildCorpus(t: Targets): Operation[] {
  const none = () => ({});
  const id = (r: Random) => ({ id: randomId(r, t) });
  const page = (r: Random) => ({
    first: randomCount(r),
    ...(r.chance(0.6) ? { after: randomCursor(r, t) } : {}),
  });
  const petitionInput = (r: Random) => ({
    title: r.chance(0.7) ? `Fuzz ${r.int(1_000)}` : randomString(r, 300),
    body: r.chance(0.7) ? 'Body' : randomString(r, 12_000),
  });
  const email = (r: Random) =>
    r.pick([`fuzz-${r.int(1e9)}@example.com`, t.victim.email, t.attacker.email, randomString(r), 'A@B.C']);
  return [
    { query: '{ me { id name email createdAt } }', variables: none },
    {
      query: `query Catalogue($first: Int, $after: String) {
        products(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ...ProductFields } }
      } ${PRODUCT_FIELDS}`,
      variables: page,
    },
    { query: `query ($id: ID!) { product(id: $id) { ...ProductFields } } ${PRODUCT_FIELDS}`, variables: id },
    {
      query: `query ($first: Int, $after: String) { me { id cart { itemCount total { amount currency }
        items { quantity unitPrice { amount } lineTotal { amount } product { id name stock } } }
        orders(first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { id status createdAt
          total { amount } lines { quantity product { id name } } buyer { id name }
          invoice { id number total { amount } issuedAt } payment { id status amount { amount } createdAt } } } } }`,
      variables: page,
    },
    {
      query: `query ($first: Int, $after: String) { me { account { id owner { id } balance { amount currency }
        entries(first: 5) { id kind amount { amount } balanceAfter { amount } createdAt } }
        invoices(first: $first, after: $after) { totalCount nodes { id number order { id status } } } } }`,
      variables: page,
    },
    {
      query: `query Open($first: Int, $after: String) { openPetitions(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { id title body status createdAt openedAt closedAt signatureCount viewerHasSigned creator { id name email } } } }`,
      variables: page,
    },
    {
      query: `query ($id: ID!) { petition(id: $id) { id title body status signatureCount viewerHasSigned
        creator { id name email petitions { id status } } } }`,
      variables: id,
    },
    {
      query: `query ($id: ID!) { petition(id: $id) { creator { cart { itemCount } orders { totalCount }
        account { balance { amount } } invoices { totalCount } signedPetitions { totalCount } } } }`,
      variables: id,
    },
    {
      query: 'query ($first: Int) { mostSignedPetitions(first: $first) { id title signatureCount } }',
      variables: (r) => ({ first: randomCount(r) }),
    },
    {
      query: `query ($first: Int, $after: String) { me { petitions { id status title }
        signedPetitions(first: $first, after: $after) { totalCount nodes { id title } } } }`,
      variables: page,
    },
    {
      query: `{ a: me { id } b: products(first: 2) { nodes { id } } c: openPetitions(first: 2) { totalCount }
        d: __typename e: mostSignedPetitions(first: 1) { id } }`,
      variables: none,
    },
    {
      query: `query ($skip: Boolean!, $id: ID!) { me @skip(if: $skip) { id }
        product(id: $id) @include(if: $skip) { name } }`,
      variables: (r) => ({ skip: r.chance(0.5), id: randomId(r, t) }),
    },
    {
      query: `query Two { product(id: "${t.products[0]}") { name stock } }
        query Three { petition(id: "${t.victim.draft}") { title body } }`,
      variables: none,
    },
    {
      query: `mutation Register($input: RegisterInput!) { register(input: $input) {
        ${RESULT_FIELDS} ... on AuthPayload { token expiresAt user { id name email } } ... on InvalidInput { field } } }`,
      variables: (r) => ({ input: { email: email(r), password: r.pick([PASSWORD, randomString(r)]), name: 'Fuzz' } }),
    },
    {
      query: `mutation ($input: LoginInput!) { login(input: $input) { ${RESULT_FIELDS} ... on AuthPayload { user { id } } } }`,
      variables: (r) => ({ input: { email: email(r), password: r.pick(['wrong password', randomString(r)]) } }),
    },
    { query: 'mutation { logout }', variables: none },
    {
      query: `mutation ($p: ID!, $q: Int!) { addItem(productId: $p, quantity: $q) { ${RESULT_FIELDS}
        ... on Cart { itemCount } ... on InsufficientStock { requested available product { id } } } }`,
      variables: (r) => ({ p: randomId(r, t), q: randomCount(r) }),
    },
    {
      query: 'mutation ($p: ID!) { removeItem(productId: $p) { itemCount items { quantity } } }',
      variables: (r) => ({ p: randomId(r, t) }),
    },
    {
      query: `mutation ($key: String!) { checkout(idempotencyKey: $key) { ${RESULT_FIELDS}
        ... on Order { id status total { amount } invoice { number } }
        ... on PaymentDeclined { balance { amount } amount { amount } } } }`,
      variables: (r) => ({ key: r.chance(0.8) ? `k${r.int(50)}` : randomString(r, 1_000) }),
    },
    {
      query: `mutation ($id: ID!) { cancelOrder(orderId: $id) { ${RESULT_FIELDS} ... on Order { id status }
        ... on OrderNotCancellable { status } } }`,
      variables: id,
    },
    {
      query: `mutation ($a: Int!) { deposit(amount: $a) { ${RESULT_FIELDS} ... on Account { balance { amount } } } }`,
      variables: (r) => ({ a: r.chance(0.5) ? 1 + r.int(10_000) : r.pick(INTERESTING_NUMBERS) }),
    },
    {
      query: `mutation ($input: PetitionInput!) { createPetition(input: $input) { ${RESULT_FIELDS} ... on Petition { id } } }`,
      variables: (r) => ({ input: petitionInput(r) }),
    },
    {
      query: `mutation ($id: ID!, $input: PetitionInput!) { updatePetition(id: $id, input: $input) {
        ${RESULT_FIELDS} ... on Petition { id title } ... on InvalidTransition { status } } }`,
      variables: (r) => ({ id: randomId(r, t), input: petitionInput(r) }),
    },
    {
      query: `mutation ($id: ID!) { launchPetition(id: $id) { ${RESULT_FIELDS} ... on Petition { id status } } }`,
      variables: id,
    },
    {
      query: `mutation ($id: ID!) { closePetition(id: $id) { ${RESULT_FIELDS} ... on Petition { id status } } }`,
      variables: id,
    },
    {
      query: `mutation ($id: ID!) { signPetition(petitionId: $id) { ${RESULT_FIELDS}
        ... on Signature { signatureCount petition { id title } } ... on AlreadySigned { signedAt } } }`,
      variables: id,
    },
    {
      query: `mutation { a: deposit(amount: 5) { __typename }
        b: addItem(productId: "${t.products[0]}", quantity: 1) { __typename }
        c: cancelOrder(orderId: "${t.victim.order}") { __typename }
        d: closePetition(id: "${t.victim.open}") { __typename }
        e: updatePetition(id: "${t.victim.draft}", input: { title: "Taken", body: "Over" }) { __typename } }`,
      variables: none,
    },
    {
      query: `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`,
      variables: id,
    },
    // What the public graph hides: each must be refused, never run.
    { query: '{ _service { sdl } }', variables: none },
    {
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { itemCount } } } }',
      variables: () => ({ r: [{ __typename: 'User', id: t.victim.id }] }),
    },
    {
      query: `mutation { chargeOrder(orderId: "${t.victim.order}", userId: "${t.victim.id}", amount: 1, currency: "EUR") { __typename } }`,
      variables: none,
    },
    { query: '{ __schema { types { name } } }', variables: none },
  ];
}

// ---------------------------------------------------------------------------------------
// Mutations of operations and variables

/** GraphQL's lexical tokens, roughly: enough to drop, repeat, swap and replace them. */
const TOKEN = /"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|\.\.\.|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*|\S/g;

/** Names the public schema knows, and names it hides (the internal API). */
export function schemaNames(schema: GraphQLSchema): string[] {
  const names = new Set(['_entities', '_service', 'reserveStock', 'chargeOrder', 'sessionActive', 'petitionEvents']);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        names.add(field.name);
        for (const arg of field.args) names.add(arg.name);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.keys(type.getFields())) names.add(field);
    if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name);
  }
  return [...names];
}

function mutateQuery(r: Random, query: string, names: readonly string[]): string {
  const tokens: string[] = [...(query.match(TOKEN) ?? [])];
  const at = () => r.int(tokens.length + 1);
  const indexWhere = (test: (token: string) => boolean) => {
    const candidates = tokens.flatMap((token, i) => (test(token) ? [i] : []));
    return candidates.length === 0 ? at() : r.pick(candidates);
  };
  const isName = (token: string) => /^[_A-Za-z]/.test(token);
  const isLiteral = (token: string) => /^(?:"|-?\d)/.test(token);
  const name = () => (r.chance(0.8) ? r.pick(names) : randomName(r));
  for (let edits = 1 + r.int(4); edits > 0; edits--) {
    weighted<unknown>(r, [
      [2, () => tokens.splice(r.int(tokens.length), 1)],
      [2, () => tokens.splice(at(), 0, tokens[r.int(tokens.length)] ?? '{')],
      [
        1,
        () => {
          const [i, j] = [r.int(tokens.length), r.int(tokens.length)];
          [tokens[i], tokens[j]] = [tokens[j] as string, tokens[i] as string];
        },
      ],
      [4, () => tokens.splice(indexWhere(isName), 1, name())],
      [4, () => tokens.splice(indexWhere(isLiteral), 1, randomLiteral(r))],
      [2, () => tokens.splice(at(), 0, r.pick(['{', '}', '(', ')', '[', ']', ':', '$', '@', '...', '!', '"', '=']))],
      [2, () => tokens.splice(indexWhere((token) => token === '{') + 1, 0, `${name()} { ${name()} { ${name()} } }`)],
      [
        1,
        () => {
          const depth = 1 + r.int(40);
          tokens.splice(indexWhere((token) => token === '{') + 1, 0, `${name()} { `.repeat(depth) + '}'.repeat(depth));
        },
      ],
      [1, () => tokens.splice(indexWhere(isName) + 1, 0, `(${name()}: ${randomLiteral(r)})`)],
      [1, () => tokens.splice(indexWhere(isName) + 1, 0, r.pick(['@include(if: false)', '@skip(if: $x)', '@nope']))],
      [1, () => tokens.push(`fragment F on ${r.pick(['Query', 'User', 'Petition', name()])} { ${name()} ...F }`)],
      [1, () => tokens.splice(indexWhere((token) => token === '{') + 1, 0, '...F')],
      [1, () => tokens.splice(r.int(tokens.length))],
    ]);
  }
  return tokens.join(' ');
}

function mutateVariables(r: Random, variables: Record<string, unknown>): unknown {
  const keys = Object.keys(variables);
  const key = () => (keys.length > 0 && r.chance(0.8) ? r.pick(keys) : randomName(r));
  const mutated: Record<string, unknown> = { ...variables };
  return weighted<unknown>(r, [
    [3, () => ({ ...mutated, [key()]: randomJson(r) })],
    [2, () => ({ ...mutated, [key()]: null })],
    [2, () => Object.fromEntries(Object.entries(mutated).filter(([name]) => name !== key()))],
    [1, () => ({ ...mutated, [randomName(r)]: randomJson(r) })],
    [2, () => ({ ...mutated, [key()]: randomString(r, 50_000) })],
    [1, () => ({ ...mutated, [key()]: 'x'.repeat(1_000 + r.int(50_000)) })],
    [1, () => ({ ...mutated, [key()]: deeplyNested(r, 10 + r.int(5_000)) })],
    [
      1,
      () =>
        keys.includes('input')
          ? {
              ...mutated,
              input: {
                ...(mutated['input'] as object),
                [r.pick(['title', 'body', 'email', 'password', 'name', randomName(r)])]: randomJson(r),
              },
            }
          : { ...mutated, input: randomJson(r) },
    ],
    [1, () => r.pick<unknown>([[], [mutated], 'variables', 42, true, null])],
  ]);
}

// ---------------------------------------------------------------------------------------
// Requests

/** `overCost`: over the cost limit, however it is written; the gateway must never run one. */
export type Kind = 'valid' | 'mutatedQuery' | 'mutatedVariables' | 'raw' | 'overCost';
export type Caller = 'anonymous' | 'forged' | 'attacker';

export interface FuzzRequest {
  kind: Kind;
  caller: Caller;
  method: string;
  /** Appended to the gateway's URL (a GET's query string). */
  search: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const JSON_TYPE = { 'content-type': 'application/json' };

function graphQLRequest(r: Random, kind: Kind, caller: Caller, query: string, variables: unknown): FuzzRequest {
  const payload = {
    query,
    variables,
    ...(r.chance(0.1) ? { operationName: r.pick(['Two', 'Three', 'Nope', 7]) } : {}),
  };
  if (r.chance(0.08)) {
    const search = `?${new URLSearchParams({ query, variables: toJsonText(variables) })}`;
    // A URL much longer would be refused by Node's header limit (431) before the gateway sees it.
    if (search.length < 6_000) {
      return { kind, caller, method: 'GET', search, headers: { 'apollo-require-preflight': 'true' } };
    }
  }
  return { kind, caller, method: 'POST', search: '', headers: { ...JSON_TYPE }, body: toJsonText(payload) };
}

function rawRequest(r: Random, caller: Caller, corpus: readonly Operation[]): FuzzRequest {
  const operation = r.pick(corpus);
  const valid = toJsonText({ query: operation.query, variables: operation.variables(r) });
  const post = (body: string | Uint8Array, headers: Record<string, string> = JSON_TYPE): FuzzRequest => ({
    kind: 'raw',
    caller,
    method: 'POST',
    search: '',
    headers: { ...headers },
    body,
  });
  return weighted(r, [
    [3, () => post(Uint8Array.from({ length: r.int(2_000) }, () => r.int(256)))],
    [3, () => post(valid.slice(0, r.int(valid.length)))],
    [
      2,
      () => post(JSON.stringify(r.pick<unknown>(['{ me { id } }', 42, null, true, [], [{ query: '{ me { id } }' }]]))),
    ],
    [
      2,
      () =>
        post(
          JSON.stringify(
            r.pick<unknown>([
              {},
              { query: 42 },
              { query: null },
              { query: ['{ me { id } }'] },
              { query: '{ me { id } }', variables: '{}' },
              { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
              { query: '{ me { id } }', operationName: { a: 1 } },
            ]),
          ),
        ),
    ],
    [1, () => post(valid, {})],
    [
      1,
      () =>
        post(valid, {
          'content-type': r.pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
          ]),
        }),
    ],
    [1, () => post(valid, { 'content-type': 'application/json; charset=utf-16' })],
    [
      1,
      () =>
        post(valid, {
          'content-type': 'application/json',
          'content-encoding': r.pick(['gzip', 'deflate', 'br', 'x-nope']),
        }),
    ],
    [1, () => post(`{"query": "{ me { id } }", "padding": "${'x'.repeat(100_000)}"}`)],
    [
      1,
      () => ({
        kind: 'raw' as const,
        caller,
        method: r.pick(['GET', 'PUT', 'DELETE', 'PATCH']),
        search: r.chance(0.5) ? `?${new URLSearchParams({ query: randomString(r, 1_000) })}` : '',
        headers: { 'apollo-require-preflight': 'true' },
      }),
    ],
  ]);
}

// ---------------------------------------------------------------------------------------
// Operations over the cost limit, in the shapes that once got past it

/**
 * Petitions and their creators nested `levels` deep under a page of 50 to 100: over the cost
 * limit of 5,000 from three levels on. With `spreads` above 0, every level is a fragment spread
 * that many times by the one above: execution merges the spreads, an estimator that walked
 * each one again gave up. Returns the selection under the page's `nodes` and the fragments.
 */
function nestedPetitions(r: Random, levels: number, spreads: number): { selection: string; fragments: string[] } {
  const fragments: string[] = [];
  const level = (depth: number): string => {
    const onPetition = depth % 2 === 0;
    const scalars = onPetition ? r.pick(['id', 'title', 'id title body', 'signatureCount']) : r.pick(['id', 'name']);
    const below = depth + 1 < levels ? `${onPetition ? 'creator' : 'petitions'} { ${level(depth + 1)} }` : '';
    const fields = `${scalars} ${below}`;
    if (spreads === 0) return fields;
    fragments.push(`fragment L${depth} on ${onPetition ? 'Petition' : 'User'} { ${fields} }`);
    return Array.from({ length: spreads }, () => `...L${depth}`).join(' ');
  };
  return { selection: level(0), fragments };
}

/**
 * An operation over the cost limit, sometimes beside a field or directive whose defaulted
 * variable is sent as an explicit null: a value that execution refuses for that one field
 * only, and that an estimator cannot read.
 */
function overCostRequest(r: Random, caller: Caller): FuzzRequest {
  const { selection, fragments } = nestedPetitions(r, 3 + r.int(4), r.chance(0.6) ? 1 + r.int(3) : 0);
  const first = 50 + r.int(51);
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const nullFor = (name: string, type: string, defaultValue: string) => {
    definitions.push(`$${name}: ${type} = ${defaultValue}`);
    variables[name] = null;
  };
  let beside = '';
  let directive = '';
  let page = `first: ${first}`;
  if (r.chance(0.3)) {
    nullFor('id', 'ID', '"00000000-0000-4000-8000-000000000000"');
    beside = r.pick(['petition(id: $id) { title }', 'product(id: $id) { name }']);
  }
  if (r.chance(0.3)) {
    nullFor('on', 'Boolean', 'true');
    directive = r.pick(['@include(if: $on)', '@skip(if: $on)']);
  }
  if (r.chance(0.2)) {
    // A null page size means the field's own default (50), which is still too many here.
    nullFor('n', 'Int', String(first));
    page = 'first: $n';
  }
  const root = r.chance(0.5)
    ? `openPetitions(${page}) ${directive} { nodes { ${selection} } }`
    : `mostSignedPetitions(${page}) ${directive} { ${selection} }`;
  const header = definitions.length === 0 ? '' : `query (${definitions.join(', ')})`;
  return graphQLRequest(r, 'overCost', caller, `${header} { ${beside} ${root} } ${fragments.join(' ')}`, variables);
}

export function generateRequest(r: Random, corpus: readonly Operation[], names: readonly string[]): FuzzRequest {
  const caller = weighted<Caller>(r, [
    [9, () => 'attacker'],
    [6, () => 'anonymous'],
    [5, () => 'forged'],
  ]);
  const operation = r.pick(corpus);
  return weighted(r, [
    [6, () => graphQLRequest(r, 'valid', caller, operation.query, operation.variables(r))],
    [
      7,
      () => graphQLRequest(r, 'mutatedQuery', caller, mutateQuery(r, operation.query, names), operation.variables(r)),
    ],
    [
      5,
      () => graphQLRequest(r, 'mutatedVariables', caller, operation.query, mutateVariables(r, operation.variables(r))),
    ],
    [2, () => rawRequest(r, caller, corpus)],
    [2, () => overCostRequest(r, caller)],
  ]);
}

/** Authorization headers nobody should get past, made from the attacker's and the victim's identities. */
export function forgedAuthorizations(attacker: string, revoked: string, otherKeyToken: string, victimId: string) {
  const [header = '', payload = '', signature = ''] = attacker.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const asVictim = encode({ ...claims, sub: victimId });
  const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid?: string };
  return [
    'Bearer',
    'Bearer ',
    'Bearer null',
    'Bearer a.b.c',
    `Bearer ${'a'.repeat(4_000)}.b.c`,
    'Basic dXNlcjpwYXNzd29yZA==',
    attacker,
    `bearer ${attacker}`,
    `Bearer ${attacker} ${attacker}`,
    `Bearer ${header}.${payload}.${flipped}`,
    `Bearer ${header}.${asVictim}.${signature}`,
    `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${asVictim}.x`,
    `Bearer ${encode({ alg: 'HS256', kid })}.${asVictim}.${signature}`,
    `Bearer ${otherKeyToken}`,
    `Bearer ${revoked}`,
  ];
}

/** A header value fetch will send: printable Latin-1 only. */
export function randomHeaderValue(r: Random): string {
  let value = '';
  for (let i = r.int(300); i > 0; i--)
    value += String.fromCharCode(r.chance(0.9) ? 0x20 + r.int(95) : 0xa0 + r.int(96));
  return value;
}
