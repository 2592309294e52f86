import { startTestAgora, type TestAgora } from '@agora/launcher/testing';
import { createDb } from '@agora/db';
import { createProductStore } from '@agora/inventory';
import { runTour } from '../tour.js';

describe('client-example tour', () => {
  let agora: TestAgora;

  beforeAll(async () => {
    agora = await startTestAgora();
    const db = createDb({ connectionString: agora.databaseUrls.inventory });
    try {
      await createProductStore(db).insertProducts([
        { sku: 'A-1', name: 'Sold out', description: '', priceAmount: 500, currency: 'EUR', stock: 0 },
        { sku: 'A-2', name: 'Canvas tote', description: '', priceAmount: 1499, currency: 'EUR', stock: 4 },
      ]);
    } finally {
      await db.close();
    }
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should register, shop, petition, watch and sign against a running gateway, printing each step', async () => {
    const lines: string[] = [];
    await runTour(agora.gatewayUrl, (line) => lines.push(line));
    expect(lines).toEqual([
      expect.stringMatching(/^1\. Registered tour-\w+@example\.com as "Tour Guide"\.$/),
      '2. The shop has 2 products; the first 2:',
      '   - Sold out: 5.00 EUR (0 in stock)',
      '   - Canvas tote: 14.99 EUR (4 in stock)',
      '3. Added "Canvas tote" to the cart: 1 item(s), total 14.99 EUR.',
      expect.stringMatching(/^4\. Drafted petition [0-9a-f-]{36} \(CREATED\)\.$/),
      expect.stringMatching(/^5\. Launched it: OPEN since \d{4}-\d\d-\d\dT/),
      '6. Watching its count over graphql-ws: 0 signature(s).',
      '7. Signed "Benches along the river" by Tour Guide: 1 signature(s).',
      '8. The watch was pushed the new count: 1 signature(s).',
    ]);
  });
});
