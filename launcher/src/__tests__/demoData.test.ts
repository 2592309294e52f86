import { createDb } from '@agora/db';
import { silentLogger } from '@agora/service';
import { dataOf, eventually } from '@agora/testkit';
import { DEMO_USERS, seedDemoData } from '../demoData.js';
import { startTestAgora, type TestAgora } from '../testAgora.js';

describe('seedDemoData', () => {
  let agora: TestAgora;

  beforeAll(async () => {
    agora = await startTestAgora();
  });

  afterAll(async () => {
    await agora.stop();
  });

  async function snapshot() {
    const count = async (subgraph: keyof TestAgora['databaseUrls'], sql: string) => {
      const db = createDb({ connectionString: agora.databaseUrls[subgraph] });
      try {
        return (await db.queryOne<{ n: number }>(sql))?.n;
      } finally {
        await db.close();
      }
    };
    return {
      products: await count('inventory', 'SELECT count(*)::int AS n FROM products'),
      users: await count('users', 'SELECT count(*)::int AS n FROM users'),
      openPetitions: await count('petitions', "SELECT count(*)::int AS n FROM petitions WHERE status = 'OPEN'"),
      signatures: await count('signatures', 'SELECT count(*)::int AS n FROM signatures'),
      balances: await count('financial', 'SELECT sum(balance_amount)::int AS n FROM accounts'),
    };
  }

  it('should load users, products, open petitions and signatures once, and change nothing when run again', async () => {
    await seedDemoData(agora.gatewayUrl, agora.databaseUrls.inventory, silentLogger);
    const first = await snapshot();
    await seedDemoData(agora.gatewayUrl, agora.databaseUrls.inventory, silentLogger);

    expect(first).toEqual({ products: 20, users: 3, openPetitions: 10, signatures: 4 + 8 + 10, balances: 3 * 50_000 });
    expect(await snapshot()).toEqual(first);
  });

  it('should let a demo user log in with the published password and see the open petitions', async () => {
    const login = await agora.request<{ login: { token: string } }>(
      `mutation ($input: LoginInput!) { login(input: $input) { ... on AuthPayload { token } } }`,
      { input: { email: DEMO_USERS[0].email, password: 'agora-demo' } },
    );
    const token = dataOf(login).login.token;
    await eventually(async () => {
      const result = await agora.request<{ openPetitions: { totalCount: number } }>(
        '{ openPetitions { totalCount } }',
        {},
        token,
      );
      return result.data?.openPetitions.totalCount === 10;
    });
  });
});
