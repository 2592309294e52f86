// The web app in a real browser (Debian's chromium, driven by playwright-core), built and
// served as `npm start` does, against a live federation. Screenshots of the main pages are
// kept in test-results/web/ for people to look at.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createDb } from '@agora/db';
import { createProductStore, type NewProduct } from '@agora/inventory';
import {
  TEST_SIGNING_SETTINGS,
  TEST_USER_PASSWORD,
  openPetition,
  registerUser,
  startTestAgora,
  type TestAgora,
} from '@agora/launcher/testing';
import { serveWebApp, type RunningWebApp } from '@agora/launcher/webApp';
import { TEST_REDIS_URL, eventually, freePortsOutsideEphemeralRange, testRedisPrefix } from '@agora/testkit';
import { kill, killGatewayProcesses, queriesAnswered, startGatewayProcess } from './gatewayProcess.js';

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/web/', import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const TOKEN_KEY = 'agora.token';

let browser: Browser;
let appDir: string;

// Built as `npm start` builds it, once for every test here.
beforeAll(async () => {
  // Built into a folder of its own: another test builds the one npm start serves meanwhile.
  appDir = await mkdtemp(path.join(tmpdir(), 'agora-web-app-'));
  const build = spawnSync('npm', ['run', 'build', '-w', 'client-example', '--', '--outDir', appDir], {
    cwd: REPO_DIR,
    encoding: 'utf8',
    // The production build npm start serves (jest's NODE_ENV=test would bundle React's development build).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error(`The web app did not build:\n${build.stdout}${build.stderr}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rm(appDir, { recursive: true, force: true });
});

/** A browser context of its own (its own storage: another person), signed in when a token is given. */
async function person(token?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  // A step that cannot happen fails here, naming what it waited for, well before jest's limit.
  context.setDefaultTimeout(10_000);
  if (token !== undefined) {
    // Runs in the page before the app: as if this person had logged in earlier.
    await context.addInitScript({
      content: `localStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)})`,
    });
  }
  return { context, page: await context.newPage() };
}

describe('the web app in Chromium', () => {
  let agora: TestAgora;
  let webApp: RunningWebApp;

  beforeAll(async () => {
    agora = await startTestAgora();
    webApp = await serveWebApp({ dir: appDir, port: 0, host: '127.0.0.1', gatewayUrl: agora.gatewayUrl });
  }, 60_000);

  afterAll(async () => {
    await webApp?.stop();
    await agora?.stop();
  });

  /** A product in the catalogue, written straight to inventory's database. */
  async function addProduct(product: NewProduct) {
    const db = createDb({ connectionString: agora.databaseUrls.inventory });
    try {
      await createProductStore(db).insertProducts([product]);
    } finally {
      await db.close();
    }
  }

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });

  it('should let a newcomer register and sign, and move the count in another browser without a reload', async () => {
    const organiser = await registerUser(agora, 'Organiser');
    const petitionId = await openPetition(agora, organiser.token, 'More benches in the park');
    const newcomer = await person();
    const onlooker = await person();
    try {
      await onlooker.page.goto(`${webApp.url}#/petitions`);
      const watchedCount = onlooker.page.getByTestId(`count-${petitionId}`);
      await watchedCount.getByText('0 signatures').waitFor();
      await screenshot(onlooker.page, 'petitions');

      await newcomer.page.goto(`${webApp.url}#/register`);
      await newcomer.page.getByLabel('Name').fill('Nell Newcomer');
      await newcomer.page.getByLabel('Email').fill(`nell-${petitionId.slice(0, 8)}@example.com`);
      await newcomer.page.getByLabel('Password').fill('a long enough password');
      await screenshot(newcomer.page, 'register');
      await newcomer.page.getByRole('button', { name: 'Create an account' }).click();
      await newcomer.page.getByRole('link', { name: 'More benches in the park' }).click();
      await newcomer.page.getByRole('button', { name: 'Sign this petition' }).click();
      await newcomer.page.getByRole('status').getByText('Signed. You are signature number 1.').waitFor();
      await screenshot(newcomer.page, 'petition');

      // The onlooker's page was not reloaded: the count came over the WebSocket.
      await watchedCount.getByText('1 signature').waitFor({ timeout: 5_000 });
      expect(await watchedCount.textContent()).toBe('1 signature');
    } finally {
      await newcomer.context.close();
      await onlooker.context.close();
    }
  });

  it('should let a creator draft, edit, launch and close a petition', async () => {
    const creator = await registerUser(agora, 'Creator');
    const { context, page } = await person(creator.token);
    try {
      await page.goto(`${webApp.url}#/my-petitions`);
      const start = page.getByRole('form', { name: 'Start a petition' });
      await start.getByLabel('Title').fill('Quieter streets');
      await start.getByLabel('What it asks for').fill('Fewer cars at night.');
      await start.getByRole('button', { name: 'Save as draft' }).click();
      await page.getByRole('status').getByText('Draft "Quieter streets" saved. Launch it when it is ready.').waitFor();

      await page.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('form', { name: 'Edit Quieter streets' });
      await edit.getByLabel('Title').fill('Quieter streets at night');
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').getByText('Draft "Quieter streets at night" saved.').waitFor();

      await page.getByRole('button', { name: 'Launch' }).click();
      await page.getByRole('status').getByText('"Quieter streets at night" is open for signatures.').waitFor();
      await screenshot(page, 'my-petitions');
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('status').getByText('"Quieter streets at night" is closed.').waitFor();
      await page.getByText('closed · 0 signatures').waitFor();
    } finally {
      await context.close();
    }
  });

  it('should sell the last units to one buyer and tell the other they are gone, by name', async () => {
    await addProduct({
      sku: 'LAST-2',
      name: 'Last lantern',
      description: 'Two left',
      priceAmount: 2_500,
      currency: 'EUR',
      stock: 2,
    });
    const buyers = await Promise.all(['First', 'Second'].map((name) => registerUser(agora, `${name} buyer`)));
    for (const buyer of buyers) {
      const deposited = await agora.request('mutation { deposit(amount: 10000) { __typename } }', {}, buyer.token);
      expect(deposited.data).toEqual({ deposit: { __typename: 'Account' } });
    }
    const [first, second] = await Promise.all(buyers.map((buyer) => person(buyer.token)));
    try {
      for (const { page } of [first, second] as { page: Page }[]) {
        await page.goto(`${webApp.url}#/shop`);
        await page.getByLabel('Quantity for Last lantern').fill('2');
        await page.getByRole('button', { name: 'Add Last lantern to cart' }).click();
        await page
          .getByRole('status')
          .getByText(/^Added 2 × Last lantern\./)
          .waitFor();
      }
      await screenshot(first!.page, 'shop');

      await first!.page.goto(`${webApp.url}#/cart`);
      await first!.page.getByRole('cell', { name: 'Last lantern', exact: true }).waitFor();
      expect(await first!.page.getByText(/item\(s\), /).textContent()).toBe('2 item(s), 50.00 EUR');
      await screenshot(first!.page, 'cart');
      await first!.page.getByRole('button', { name: 'Check out' }).click();
      await first!.page
        .getByRole('status')
        .getByText(/^Paid 50\.00 EUR\. Invoice INV-\d+\.$/)
        .waitFor();

      await second!.page.goto(`${webApp.url}#/cart`);
      await second!.page.getByRole('button', { name: 'Check out' }).click();
      const refusal = second!.page.getByRole('status');
      await refusal.getByText(/Only 0 of Last lantern left/).waitFor();
      expect(await refusal.textContent()).toBe(
        'Only 0 of Last lantern left; you asked for 2. Change the quantity and try again.',
      );

      await first!.page.goto(`${webApp.url}#/orders`);
      await first!.page
        .getByText(/INV-\d+/)
        .first()
        .waitFor();
      await screenshot(first!.page, 'orders');
      await first!.page.goto(`${webApp.url}#/account`);
      await first!.page.getByText('Balance: 50.00 EUR').waitFor();
      await screenshot(first!.page, 'account');
    } finally {
      await first?.context.close();
      await second?.context.close();
    }
  });

  it('should show a declined payment with the balance and the price', async () => {
    await addProduct({
      sku: 'KITE-1',
      name: 'Red kite',
      description: 'Flies',
      priceAmount: 1_250,
      currency: 'EUR',
      stock: 5,
    });
    const broke = await registerUser(agora, 'Broke buyer');
    const { context, page } = await person(broke.token);
    try {
      await page.goto(`${webApp.url}#/shop`);
      await page.getByRole('button', { name: 'Add Red kite to cart' }).click();
      await page
        .getByRole('status')
        .getByText(/^Added 1 × Red kite\./)
        .waitFor();
      await page.goto(`${webApp.url}#/cart`);
      await page.getByRole('button', { name: 'Check out' }).click();
      const declined = page.getByRole('status');
      await declined.getByText(/^Payment declined/).waitFor();

      expect(await declined.textContent()).toBe(
        'Payment declined: your balance is 0.00 EUR and this costs 12.50 EUR. Top up your account first.',
      );
    } finally {
      await context.close();
    }
  });
  it('should be usable by keyboard alone: each page starts on its heading, forms submit with Enter', async () => {
    const keyboardUser = await registerUser(agora, 'Keyboard user');
    const { context, page } = await person();
    /** Presses Tab until the focus is on the control named `name` (as a keyboard user would). */
    async function tabTo(name: string) {
      for (let press = 0; press < 60; press++) {
        await page.keyboard.press('Tab');
        // Past the last control the focus leaves the page, and the next Tab starts over at the top.
        const focused = await page.evaluate("document.activeElement?.textContent?.trim() ?? ''");
        if (focused === name) return;
      }
      throw new Error(`Tab never reached "${name}"`);
    }
    /** The text of the heading that has the focus, once one has. */
    const focusedHeading = async () => {
      await page.locator('h1:focus').waitFor();
      return page.locator('h1:focus').textContent();
    };
    try {
      await page.goto(`${webApp.url}#/petitions`);
      await page.getByRole('heading', { name: 'Open petitions' }).waitFor();

      await tabTo('Log in');
      await page.keyboard.press('Enter');
      const loginHeading = await focusedHeading();
      await page.keyboard.press('Tab');
      await page.keyboard.type(keyboardUser.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(TEST_USER_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('link', { name: 'Account' }).waitFor();
      await tabTo('Account');
      await page.keyboard.press('Enter');
      const accountHeading = await focusedHeading();
      await page.keyboard.press('Tab');
      await page.keyboard.type('12.50');
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Deposited. Your balance is 12.50 EUR.').waitFor();

      expect(loginHeading).toBe('Log in');
      expect(accountHeading).toBe('Account');
      expect(await page.getByRole('status').textContent()).toBe('Deposited. Your balance is 12.50 EUR.');
    } finally {
      await context.close();
    }
  });
});

describe("the web app's words for a signature not taken", () => {
  let agora: TestAgora;
  let webApp: RunningWebApp;
  const SIGN = 'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }';

  beforeAll(async () => {
    // Two signing attempts a minute per person, so that a third is refused.
    agora = await startTestAgora({
      signing: { ...TEST_SIGNING_SETTINGS, limits: { perUser: 2, perAddress: 100_000 } },
    });
    webApp = await serveWebApp({ dir: appDir, port: 0, host: '127.0.0.1', gatewayUrl: agora.gatewayUrl });
  }, 60_000);

  afterAll(async () => {
    await webApp?.stop();
    await agora?.stop();
  });

  /** The petition's page, open in `signer`'s browser before anything else happens. */
  async function pageOf(petitionId: string, signer: { token: string }) {
    const browsing = await person(signer.token);
    await browsing.page.goto(`${webApp.url}#/petitions/${petitionId}`);
    await browsing.page.getByRole('button', { name: 'Sign this petition' }).waitFor();
    return browsing;
  }

  /** What the page says after the sign button is pressed. */
  async function pressSign(page: Page): Promise<string | null> {
    await page.getByRole('button', { name: 'Sign this petition' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /\S/ }).waitFor();
    return status.textContent();
  }

  it('should say so when the person signed meanwhile elsewhere', async () => {
    const creator = await registerUser(agora, 'Creator');
    const signer = await registerUser(agora, 'Signer');
    const petitionId = await openPetition(agora, creator.token, 'Shade over the playground');
    const { context, page } = await pageOf(petitionId, signer);
    try {
      // Signed on their phone while this page was open.
      await agora.request(SIGN, { id: petitionId }, signer.token);

      expect(await pressSign(page)).toBe('You have already signed this petition.');
    } finally {
      await context.close();
    }
  });

  it('should say so when the petition closed while the page was open', async () => {
    const creator = await registerUser(agora, 'Creator');
    const signer = await registerUser(agora, 'Late signer');
    const petitionId = await openPetition(agora, creator.token, 'A longer summer');
    const { context, page } = await pageOf(petitionId, signer);
    try {
      await agora.request(
        'mutation ($id: ID!) { closePetition(id: $id) { __typename } }',
        { id: petitionId },
        creator.token,
      );
      // Signing learns of the close from an event; a throwaway person tells when it has.
      await eventually(async () => {
        const probe = await agora.request<{ signPetition: { __typename: string } }>(
          SIGN,
          { id: petitionId },
          await agora.mintToken(),
        );
        return probe.data?.signPetition.__typename === 'PetitionNotOpen';
      });

      expect(await pressSign(page)).toBe('This petition is closed and takes no more signatures.');
    } finally {
      await context.close();
    }
  });

  it('should say so, with how long to wait, when the person signs too often', async () => {
    const creator = await registerUser(agora, 'Creator');
    const signer = await registerUser(agora, 'Eager signer');
    const petitionIds = await Promise.all(
      ['First cause', 'Second cause', 'Third cause'].map((title) => openPetition(agora, creator.token, title)),
    );
    for (const id of petitionIds.slice(0, 2)) await agora.request(SIGN, { id }, signer.token);
    const { context, page } = await pageOf(petitionIds[2] as string, signer);
    try {
      expect(await pressSign(page)).toMatch(/^Too many signatures from you; try again in \d+ seconds\.$/);
    } finally {
      await context.close();
    }
  });
});

describe('the web app across a gateway restart', () => {
  const redisPrefix = testRedisPrefix('web');
  let agora: TestAgora;

  beforeAll(async () => {
    agora = await startTestAgora({ redisUrl: TEST_REDIS_URL, redisPrefix });
  }, 60_000);

  afterAll(async () => {
    await killGatewayProcesses();
    await agora?.stop();
  });

  it('should reconnect and show the counts signed while the gateway was down, without a reload', async () => {
    const organiser = await registerUser(agora, 'Organiser');
    const petitionId = await openPetition(agora, organiser.token, 'Lights on the bridge');
    const port = await freePortsOutsideEphemeralRange();
    const gateway = (await startGatewayProcess(agora, port, redisPrefix)).child;
    const webApp = await serveWebApp({
      dir: appDir,
      port: 0,
      host: '127.0.0.1',
      gatewayUrl: `http://127.0.0.1:${port}/graphql`,
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${webApp.url}#/petitions`);
      const shown = page.getByTestId(`count-${petitionId}`);
      await shown.getByText('0 signatures').waitFor({ timeout: 10_000 });

      await kill(gateway);
      // Signed through the other gateway while the page's is down: no push reaches the page.
      for (let i = 0; i < 2; i++) {
        await agora.request(
          'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }',
          { id: petitionId },
          await agora.mintToken(),
        );
      }
      const restarted = await startGatewayProcess(agora, port, redisPrefix);
      // The app waits at most 30 s between tries (its backoff's cap), then a start and a read.
      await shown.getByText('2 signatures').waitFor({ timeout: 45_000 });
      expect(await shown.textContent()).toBe('2 signatures');
      // The page asked for the list again on reconnecting, not only waited for pushes (the
      // count may come by the first push, before the list is answered and counted).
      await eventually(async () => (await queriesAnswered(restarted.metricsUrl, 'OpenPetitions')) >= 1, 10_000);
    } finally {
      await context.close();
      await webApp.stop();
    }
  }, 120_000);
});
