import { createDb } from '@agora/db';
import { DEMO_PRODUCTS, createProductStore } from '@agora/inventory';
import type { Logger } from '@agora/service';

export const DEMO_PASSWORD = 'agora-demo';

export const DEMO_USERS = [
  { name: 'Ada Lovelace', email: 'ada@agora.example' },
  { name: 'Grace Hopper', email: 'grace@agora.example' },
  { name: 'Alan Turing', email: 'alan@agora.example' },
] as const;

const DEMO_PETITIONS = [
  [
    'Plant a tree for every child born in the city',
    'Fund one street tree per birth, planted within a year, and publish the map.',
  ],
  ['Keep the central library open on Sundays', 'Sunday hours are when working families can come. Restore them.'],
  ['Protected cycle lanes on the ring road', 'Paint is not protection. Build kerb-separated lanes on the whole ring.'],
  ['Free drinking fountains in every park', 'Install and maintain at least one working fountain per public park.'],
  ['Publish school air-quality readings', 'Put a sensor at every school gate and publish the readings live.'],
  ['Late-night buses on weekends', 'Run the main lines every 30 minutes until 3 am on Fridays and Saturdays.'],
  ['Repair-café space in the town hall', 'Give volunteers a room once a month to fix what would be thrown away.'],
  ['Solar panels on public buildings', 'Cover every suitable public roof with panels within five years.'],
  ['Open the old rail line as a walking path', 'Turn the disused line into a green path linking three neighbourhoods.'],
  ['Ban single-use plastics at city events', 'Require reusable cups and plates at every event the city licenses.'],
] as const;

/** The starting balance of each demo user: 500.00. */
const DEMO_DEPOSIT = 50_000;

interface GraphQLResponse<Data> {
  data?: Data;
  errors?: { message: string }[];
}

async function callGateway<Data>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Data> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<Data>;
  if (body.errors !== undefined || body.data === undefined) {
    throw new Error(
      `seeding failed: ${body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`}`,
    );
  }
  return body.data;
}

/** Logs the demo user in, registering them first if they are new. */
async function tokenFor(gatewayUrl: string, user: (typeof DEMO_USERS)[number]): Promise<string> {
  const auth = `__typename ... on AuthPayload { token } ... on ErrorResult { message }`;
  type Auth = { __typename: string; token?: string; message?: string };
  const registered = await callGateway<{ register: Auth }>(
    gatewayUrl,
    `mutation ($input: RegisterInput!) { register(input: $input) { ${auth} } }`,
    { input: { ...user, password: DEMO_PASSWORD } },
  );
  if (registered.register.token !== undefined) return registered.register.token;
  const loggedIn = await callGateway<{ login: Auth }>(
    gatewayUrl,
    `mutation ($input: LoginInput!) { login(input: $input) { ${auth} } }`,
    {
      input: { email: user.email, password: DEMO_PASSWORD },
    },
  );
  if (loggedIn.login.token === undefined) {
    throw new Error(
      `demo user ${user.email} exists with another password (${loggedIn.login.message ?? 'login failed'})`,
    );
  }
  return loggedIn.login.token;
}

/**
 * Loads the demo data through the gateway, as a client would, except products (which have
 * no public mutation). Every step checks what is there first, so running it again, or after
 * an interrupted run, completes the data without duplicating any of it.
 */
export async function seedDemoData(gatewayUrl: string, inventoryDatabaseUrl: string, logger: Logger): Promise<void> {
  const inventoryDb = createDb({ connectionString: inventoryDatabaseUrl, maxConnections: 1 });
  try {
    const added = await createProductStore(inventoryDb).insertProducts(DEMO_PRODUCTS);
    if (added > 0) logger.info(`seeded ${added} demo products`);
  } finally {
    await inventoryDb.close();
  }

  const tokens = await Promise.all(DEMO_USERS.map((user) => tokenFor(gatewayUrl, user)));
  const petitionIds: string[] = [];
  for (const [index, token] of tokens.entries()) {
    const me = await callGateway<{
      me: { account: { entries: { id: string }[] }; petitions: { id: string; title: string; status: string }[] };
    }>(gatewayUrl, `{ me { account { entries(first: 1) { id } } petitions { id title status } } }`, {}, token);
    if (me.me.account.entries.length === 0) {
      await callGateway(
        gatewayUrl,
        `mutation ($amount: Int!) { deposit(amount: $amount) { __typename } }`,
        { amount: DEMO_DEPOSIT },
        token,
      );
    }
    const mine = DEMO_PETITIONS.filter((_, n) => n % tokens.length === index);
    for (const [title, body] of mine) {
      let petition = me.me.petitions.find((existing) => existing.title === title);
      if (petition === undefined) {
        const created = await callGateway<{ createPetition: { id: string; title: string; status: string } }>(
          gatewayUrl,
          `mutation ($input: PetitionInput!) { createPetition(input: $input) { ... on Petition { id title status } } }`,
          { input: { title, body } },
          token,
        );
        petition = created.createPetition;
      }
      if (petition.status === 'CREATED') {
        await callGateway(
          gatewayUrl,
          `mutation ($id: ID!) { launchPetition(id: $id) { __typename } }`,
          { id: petition.id },
          token,
        );
      }
      petitionIds.push(petition.id);
    }
  }

  // Demo user n signs the first 4 × (n + 1) petitions, so counts differ (AlreadySigned on a second run).
  for (const [index, token] of tokens.entries()) {
    for (const id of petitionIds.slice(0, 4 * (index + 1))) {
      await callGateway(
        gatewayUrl,
        `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
        { id },
        token,
      );
    }
  }
}
