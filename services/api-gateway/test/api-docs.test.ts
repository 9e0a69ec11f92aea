/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from '@shop/test-kit';
import { startTestGateway } from './gateway.harness';

/**
 * GET /docs opened in Debian's Chromium, headless: the page renders the served document with
 * Swagger UI from the gateway itself, loading nothing from anywhere else. The screenshot stays in
 * reports/ as an artifact.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const reports = path.join(root, 'reports');
const screenshot = path.join(reports, 'api-docs.test.png');

describe('the API reference page at /docs, in headless Chromium', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let origin: string;
  let browser: HeadlessChromium | undefined;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const outsideRequests: string[] = [];
  const gatewayRequests: string[] = [];

  beforeAll(async () => {
    // The page needs no broker: it reads only the gateway's own routes.
    gateway = await startTestGateway();
    origin = `http://127.0.0.1:${gateway.port}`;
    browser = await launchChromium({ width: 1280, height: 1600 });
    context = browser.context;
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
    await browser?.close();
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
