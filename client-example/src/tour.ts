// A tour of Agora's public API against a running gateway:
//   npm start                      (in one terminal)
//   npm run tour -w client-example (in another; GATEWAY_URL=... to point elsewhere)
import { randomUUID } from 'node:crypto';
import { createAgoraClient } from './agoraClient.js';

type Print = (line: string) => void;

const euros = (money: { amount: number; currency: string }) => `${(money.amount / 100).toFixed(2)} ${money.currency}`;

/** Registers, shops and petitions, printing what the gateway answered at each step. */
export async function runTour(gatewayUrl: string, print: Print): Promise<void> {
  const agora = createAgoraClient(gatewayUrl);

  const email = `tour-${randomUUID().slice(0, 8)}@example.com`;
  const { register } = await agora.request<{
    register: { __typename: string; token?: string; user?: { id: string; name: string }; message?: string };
  }>(
    `mutation ($input: RegisterInput!) {
      register(input: $input) { __typename ... on AuthPayload { token user { id name } } ... on ErrorResult { message } }
    }`,
    { input: { email, password: 'a long tour password', name: 'Tour Guide' } },
  );
  if (register.token === undefined) throw new Error(`register answered ${register.__typename}: ${register.message}`);
  agora.useToken(register.token);
  print(`1. Registered ${email} as "${register.user?.name}".`);

  const { products } = await agora.request<{
    products: {
      totalCount: number;
      nodes: { id: string; name: string; stock: number; price: { amount: number; currency: string } }[];
    };
  }>(`{ products(first: 5) { totalCount nodes { id name stock price { amount currency } } } }`);
  print(`2. The shop has ${products.totalCount} products; the first ${products.nodes.length}:`);
  for (const product of products.nodes)
    print(`   - ${product.name}: ${euros(product.price)} (${product.stock} in stock)`);

  const product = products.nodes.find((candidate) => candidate.stock > 0);
  if (product === undefined) throw new Error('no product in stock to add to the cart');
  const { addItem } = await agora.request<{
    addItem: { __typename: string; itemCount?: number; total?: { amount: number; currency: string }; message?: string };
  }>(
    `mutation ($id: ID!) {
      addItem(productId: $id, quantity: 1) { __typename ... on Cart { itemCount total { amount currency } } ... on ErrorResult { message } }
    }`,
    { id: product.id },
  );
  print(
    addItem.__typename === 'Cart'
      ? `3. Added "${product.name}" to the cart: ${addItem.itemCount} item(s), total ${euros(addItem.total as { amount: number; currency: string })}.`
      : `3. Could not add "${product.name}": ${addItem.message}`,
  );

  const { createPetition } = await agora.request<{ createPetition: { id: string; status: string } }>(
    `mutation ($input: PetitionInput!) { createPetition(input: $input) { ... on Petition { id status } } }`,
    { input: { title: 'Benches along the river', body: 'A bench every 200 metres, so everyone can enjoy the walk.' } },
  );
  print(`4. Drafted petition ${createPetition.id} (${createPetition.status}).`);

  const { launchPetition } = await agora.request<{ launchPetition: { status: string; openedAt: string } }>(
    `mutation ($id: ID!) { launchPetition(id: $id) { ... on Petition { status openedAt } } }`,
    { id: createPetition.id },
  );
  print(`5. Launched it: ${launchPetition.status} since ${launchPetition.openedAt}.`);

  // Watch the count live, as the mobile app does; the first push is the count right now.
  const counts = agora.watch<{ signatureCountChanged: { signatureCount: number } }>(
    `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`,
    { id: createPetition.id },
  );
  const nextCount = async () => {
    const pushed = await counts.next();
    if (pushed.done === true) throw new Error('the count subscription ended');
    return pushed.value.signatureCountChanged.signatureCount;
  };
  print(`6. Watching its count over graphql-ws: ${await nextCount()} signature(s).`);

  const { signPetition } = await agora.request<{
    signPetition: {
      __typename: string;
      signatureCount?: number;
      petition?: { title: string; creator: { name: string } };
      message?: string;
    };
  }>(
    `mutation ($id: ID!) {
      signPetition(petitionId: $id) {
        __typename
        ... on Signature { signatureCount petition { title creator { name } } }
        ... on ErrorResult { message }
      }
    }`,
    { id: createPetition.id },
  );
  print(
    signPetition.__typename === 'Signature'
      ? `7. Signed "${signPetition.petition?.title}" by ${signPetition.petition?.creator.name}: ${signPetition.signatureCount} signature(s).`
      : `7. Could not sign: ${signPetition.message}`,
  );
  try {
    print(`8. The watch was pushed the new count: ${await nextCount()} signature(s).`);
  } finally {
    await counts.return(undefined);
    await agora.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gatewayUrl = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000/graphql';
  runTour(gatewayUrl, (line) => console.log(line)).catch((error: unknown) => {
    console.error(`The tour stopped: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`Is Agora running at ${gatewayUrl}? Start it with \`npm start\`.`);
    process.exitCode = 1;
  });
}
