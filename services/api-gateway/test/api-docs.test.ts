/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestGateway } from './gateway.harness';

/**
 * GET /docs opened in Debian's Chromium, headless: the page renders the served document with
 * Swagger UI from the gateway itself, loading nothing from anywhere else. The screenshot stays in
 * reports/ as an artifact.
 */
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '..', '..', '..');
const reports = path.join(root, 'reports');
const screenshot = path.join(reports, 'api-docs.test.png');

/** Chromium, installed by scripts/chromium.sh when it is missing (Debian's package, as root). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  try {
    execFileSync('bash', [path.join(root, 'scripts', 'chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (err) {
    throw new Error(
      `This test needs headless Chromium at ${CHROMIUM}, and scripts/chromium.sh could not install it (${(err as Error).message}). ` +
        `Install Debian's package as root: apt-get update && apt-get install -y chromium`,
    );
  }
}

describe('the API reference page at /docs, in headless Chromium', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let origin: string;
  let context: BrowserContext | undefined;
  let userDataDir: string;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const outsideRequests: string[] = [];
  const gatewayRequests: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    // The page needs no broker: it reads only the gateway's own routes.
    gateway = await startTestGateway();
    origin = `http://127.0.0.1:${gateway.port}`;
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'docs-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1600 },
      deviceScaleFactor: 1,
    });
    // The page may load from the gateway alone: anything else is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) {
        gatewayRequests.push(new URL(url).pathname);
        return route.continue();
      }
      if (url.startsWith('data:')) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    page.on('pageerror', (err) => void consoleErrors.push(err.message));
    page.on('requestfailed', (request) => void failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    // The deep link opens POST /v1/orders, so its request body schema is drawn.
    await page.goto(`${origin}/docs#/orders/placeOrder`);
    await page.waitForFunction(() => document.body.dataset.rendered === 'true', undefined, { timeout: 30_000 });
    await page.locator('#operations-orders-placeOrder .opblock-body').waitFor({ timeout: 15_000 });
    mkdirSync(reports, { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: false });
  }, 660_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await gateway?.stop();
  });

  test('when the page is opened, then it renders without console errors and requests nothing but the gateway', () => {
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(outsideRequests).toEqual([]);
    expect(gatewayRequests).toEqual(expect.arrayContaining(['/docs', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/openapi.json']));
  });

  test('when the page has rendered, then POST /v1/orders is listed with its request body schema', async () => {
    const operation = page.locator('#operations-orders-placeOrder');
    const body = operation.locator('.opblock-section-request-body');

    expect(await operation.locator('.opblock-summary-method').innerText()).toBe('POST');
    expect(await operation.locator('.opblock-summary-path').innerText()).toBe('/v1/orders');
    await body.getByText('PlaceOrderRequest').first().waitFor({ timeout: 10_000 });
    const schemaText = await body.innerText();
    for (const field of ['items', 'shippingAddress']) expect(schemaText).toContain(field);
    expect(existsSync(screenshot)).toBe(true);
  });

  test('when the page has rendered, then every operation of the document is listed', async () => {
    const document = (await gateway.http.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const listed = await page.locator('.opblock-summary').evaluateAll((blocks) =>
      blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    );
    const documented = Object.entries(document.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));

    expect(listed.sort()).toEqual(documented.sort());
  });
});
