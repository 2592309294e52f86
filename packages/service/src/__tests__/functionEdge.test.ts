import { createFunctionEdge } from '../functions/functionEdge.js';
import { silentLogger } from '../index.js';

describe('createFunctionEdge', () => {
  it('should refuse a caller without the gateway secret before the instance starts anything', async () => {
    let starts = 0;
    const answer = createFunctionEdge({
      name: 'users',
      gatewaySecret: () => 'the-real-gateway-secret',
      served: () => {
        starts++;
        return Promise.reject(new Error('the database is down'));
      },
      maxBodyBytes: 1_000,
      logger: silentLogger,
    });
    const response = await answer({
      method: 'POST',
      path: '/graphql',
      search: '',
      headers: { 'content-type': 'application/json', 'x-agora-gateway-secret': 'a guess' },
      body: { bytes: Buffer.from(JSON.stringify({ query: '{ __typename }' })) },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(String(response.body))).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(starts).toBe(0);
  });
});
