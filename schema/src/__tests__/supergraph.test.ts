import { readFile } from 'node:fs/promises';
import { isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { buildApiSchema } from '../apiSchema.js';
import { composeSupergraph } from '../compose.js';
import { SUPERGRAPH_PATH } from '../subgraphs.js';

/** The public contract from API.md: fields with their argument names, and union members. */
const CONTRACT_FIELDS: Record<string, string[]> = {
  Query: [
    'me',
    'products(first, after)',
    'product(id)',
    'openPetitions(first, after)',
    'petition(id)',
    'mostSignedPetitions(first)',
  ],
  Mutation: [
    'register(input)',
    'login(input)',
    'logout',
    'addItem(productId, quantity)',
    'removeItem(productId)',
    'checkout(idempotencyKey)',
    'cancelOrder(orderId)',
    'deposit(amount)',
    'createPetition(input)',
    'updatePetition(id, input)',
    'launchPetition(id)',
    'closePetition(id)',
    'signPetition(petitionId)',
  ],
  Subscription: ['signatureCountChanged(petitionId)'],
  User: [
    'id',
    'name',
    'email',
    'createdAt',
    'cart',
    'orders(first, after)',
    'account',
    'invoices(first, after)',
    'petitions',
    'signedPetitions(first, after)',
  ],
  AuthPayload: ['token', 'expiresAt', 'user'],
  Product: ['id', 'sku', 'name', 'description', 'price', 'stock', 'inStock'],
  Cart: ['items', 'itemCount', 'total'],
  CartItem: ['product', 'quantity', 'unitPrice', 'lineTotal'],
  Order: ['id', 'status', 'lines', 'total', 'buyer', 'createdAt', 'invoice', 'payment'],
  OrderLine: ['product', 'quantity', 'unitPrice', 'lineTotal'],
  Account: ['id', 'owner', 'balance', 'entries(first)'],
  Invoice: ['id', 'number', 'order', 'total', 'issuedAt'],
  Payment: ['id', 'amount', 'status', 'createdAt'],
  Petition: [
    'id',
    'title',
    'body',
    'status',
    'creator',
    'createdAt',
    'openedAt',
    'closedAt',
    'signatureCount',
    'viewerHasSigned',
  ],
  Signature: ['petition', 'signedAt', 'signatureCount'],
  SignatureCountUpdate: ['petitionId', 'signatureCount', 'petition'],
  Money: ['amount', 'currency'],
  PageInfo: ['hasNextPage', 'endCursor'],
  ProductConnection: ['nodes', 'pageInfo', 'totalCount'],
  PetitionConnection: ['nodes', 'pageInfo', 'totalCount'],
};

const CONTRACT_UNIONS: Record<string, string[]> = {
  AuthResult: ['AuthPayload', 'InvalidCredentials', 'EmailTaken', 'InvalidInput'],
  AddItemResult: ['Cart', 'InsufficientStock', 'ProductNotFound', 'InvalidInput'],
  CheckoutResult: ['Order', 'CartEmpty', 'InsufficientStock', 'PaymentDeclined', 'InvalidInput'],
  CancelOrderResult: ['Order', 'OrderNotCancellable', 'NotFound'],
  DepositResult: ['Account', 'InvalidInput'],
  PetitionResult: ['Petition', 'PetitionNotFound', 'NotPetitionCreator', 'InvalidTransition', 'InvalidInput'],
  SignResult: ['Signature', 'AlreadySigned', 'PetitionNotOpen', 'PetitionNotFound'],
};

function describeFields(schema: GraphQLSchema, typeName: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return [];
  return Object.values(type.getFields()).map((field) =>
    field.args.length === 0 ? field.name : `${field.name}(${field.args.map((arg) => arg.name).join(', ')})`,
  );
}

describe('supergraph', () => {
  let supergraphSdl: string;

  beforeAll(async () => {
    supergraphSdl = await readFile(SUPERGRAPH_PATH, 'utf8');
  });

  it('should equal a fresh composition of the subgraph schemas (run `npm run compose` when this fails)', async () => {
    expect(await composeSupergraph()).toBe(supergraphSdl);
  });

  it.each(Object.entries(CONTRACT_FIELDS))('should offer the public contract fields of %s', (typeName, fields) => {
    expect(describeFields(buildApiSchema(supergraphSdl), typeName)).toEqual(expect.arrayContaining(fields));
  });

  it.each(Object.entries(CONTRACT_UNIONS))('should offer the public contract members of %s', (unionName, members) => {
    const union = buildApiSchema(supergraphSdl).getType(unionName);
    const offered = isUnionType(union) ? union.getTypes().map((type) => type.name) : [];
    // Members may be added (new error cases), never dropped.
    expect(offered).toEqual(expect.arrayContaining(members));
  });

  it('should hide internal fields and types from clients', () => {
    const api = buildApiSchema(supergraphSdl);
    const queries = describeFields(api, 'Query').map((field) => field.split('(')[0]);
    const mutations = describeFields(api, 'Mutation').map((field) => field.split('(')[0]);
    expect(queries).not.toEqual(expect.arrayContaining(['petitionEvents']));
    expect(queries).not.toEqual(expect.arrayContaining(['sessionActive']));
    for (const internal of [
      'reserveStock',
      'releaseStock',
      'commitStock',
      'restockOrder',
      'chargeOrder',
      'settleOrderCharge',
      'refundOrder',
    ]) {
      expect({ internal, exposed: mutations.includes(internal) }).toEqual({ internal, exposed: false });
    }
    for (const type of [
      'PetitionEvent',
      'StockReservation',
      'StockShortage',
      'ChargeDeclined',
      'ChargeFenced',
      'ChargeSettlement',
    ]) {
      expect({ type, exposed: api.getType(type) !== undefined }).toEqual({ type, exposed: false });
    }
  });
});
