import { answerFunctionRequest } from '../functions/functionRequest.js';
import { silentLogger } from '../index.js';

describe('answerFunctionRequest', () => {
  it('should refuse a caller without the gateway secret before the instance starts anything', async () => {
    let starts = 0;
    const response = await answerFunctionRequest(
      {
        gatewaySecret: () => 'the-real-gateway-secret',
        served: () => {
          starts++;
          return Promise.reject(new Error('the database is down'));
        },
        logger: silentLogger,
      },
      {
        method: 'POST',
        path: '/graphql',
        search: '',
        headers: { 'content-type': 'application/json', 'x-agora-gateway-secret': 'a guess' },
        body: { bytes: Buffer.from(JSON.stringify({ query: '{ __typename }' })) },
      },
    );
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(starts).toBe(0);
  });
});
