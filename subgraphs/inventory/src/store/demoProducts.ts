import type { NewProduct } from './productStore.js';

/** The catalogue the all-in-one start seeds: 20 products with stock and prices in EUR. */
export const DEMO_PRODUCTS: readonly NewProduct[] = [
  ['AG-001', 'Canvas tote bag', 'Heavy cotton tote with the Agora mark.', 1499, 120],
  ['AG-002', 'Enamel mug', 'Speckled blue enamel, 350 ml.', 1250, 80],
  ['AG-003', 'Notebook, dotted', 'A5, 160 pages, lay-flat binding.', 990, 200],
  ['AG-004', 'Fountain pen', 'Steel nib, medium, refillable converter.', 3400, 35],
  ['AG-005', 'Desk lamp', 'Warm LED, dimmable, aluminium arm.', 5900, 15],
  ['AG-006', 'Wool scarf', 'Merino, charcoal, 180 cm.', 4500, 40],
  ['AG-007', 'Water bottle', 'Insulated steel, keeps cold 24 h.', 2750, 90],
  ['AG-008', 'Sticker pack', 'Ten weatherproof vinyl stickers.', 500, 500],
  ['AG-009', 'Hoodie', 'Organic cotton fleece, unisex.', 6200, 50],
  ['AG-010', 'Cap', 'Six-panel cotton cap, adjustable.', 2200, 60],
  ['AG-011', 'Umbrella', 'Wind-proof, automatic opening.', 3100, 25],
  ['AG-012', 'Poster, "Sign here"', 'Risograph print, 50 × 70 cm.', 1800, 70],
  ['AG-013', 'Keyring', 'Brass, engraved.', 800, 150],
  ['AG-014', 'Backpack', 'Recycled nylon, 22 litres.', 7900, 20],
  ['AG-015', 'Coffee beans', 'Single origin, 250 g, whole bean.', 1150, 100],
  ['AG-016', 'Tea sampler', 'Six loose-leaf teas.', 1650, 45],
  ['AG-017', 'Socks', 'Two pairs, combed cotton.', 1300, 110],
  ['AG-018', 'Phone stand', 'Walnut, fits every phone.', 2400, 30],
  ['AG-019', 'Puzzle', '1000 pieces, the Agora of Athens.', 2900, 18],
  ['AG-020', 'Limited print', 'Signed and numbered; only three made.', 12000, 3],
].map(([sku, name, description, priceAmount, stock]) => ({
  sku: sku as string,
  name: name as string,
  description: description as string,
  priceAmount: priceAmount as number,
  currency: 'EUR',
  stock: stock as number,
}));
