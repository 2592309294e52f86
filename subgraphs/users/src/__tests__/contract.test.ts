import { describeSubgraphContract } from '@agora/testkit';
import { USERS_SCHEMA_PATH } from '../subgraph.js';
import { REGISTER, startUsers, type UsersHarness } from './usersHarness.js';

let users: UsersHarness;

afterAll(async () => {
  await users.stop();
});

describeSubgraphContract('users', async () => {
  users = await startUsers();
  const registered = await users.subgraph.request<{ register: { user: { id: string } } }>(REGISTER, {
    input: { email: 'ada@example.com', password: 'correct horse', name: 'Ada' },
  });
  const id = registered.data?.register.user.id;
  return {
    schemaPath: USERS_SCHEMA_PATH,
    subgraph: users.subgraph,
    entities: [{ representation: { __typename: 'User', id }, selection: 'id name', expected: { id, name: 'Ada' } }],
  };
});
