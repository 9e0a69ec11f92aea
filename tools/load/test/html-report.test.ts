/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from '@shop/test-kit';
import { queues } from '@shop/contracts';
import { LoadCounters } from '../src/load/load-counters';
import { queueDepthProbe } from '../src/probes/queue-depth';
import type { LoadResult } from '../src/load/run-load';
import { loadHtmlReport, writeHtmlReport } from '../src/report/html-report';
import { SeriesRecorder, type RunSeries } from '../src/report/run-series';
import { repoRoot } from '../src/repo';
import { freePort } from '../src/target/free-port';

/**
 * The HTML report of a load run, built from a series that the real recorder took (driven with
 * timestamps instead of a clock), opened in Debian's Chromium, headless: every chart must have
 * drawn its lines, with no error and no request leaving the file. The page and its screenshot
 * stay in reports/ as artifacts.
 */
const reports = path.join(repoRoot, 'reports');
const htmlFile = path.join(reports, 'load-report.test.html');
const screenshot = path.join(reports, 'load-report.test.png');
const T0 = Date.UTC(2026, 0, 1);
const SENDING = 20;
const SECONDS = 26;

/** A deterministic spread of latencies around `base` ms, so p50 < p95 < p99 within each second. */
const latencies = (count: number, base: number) => Array.from({ length: count }, (_, k) => base * (1 + ((k * 37) % count) / count) ** 4);
const nearestRank = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1];

/** A run of orders: 20 s of sending at a rising rate, a backlog decided over 6 s more, a few 503s. */
async function simulateOrders() {
  const counters = new LoadCounters();
  let pending = 0;
  const placeOrderDepth = (second: number) => (second < SENDING ? 10 + 8 * second : Math.max(0, 170 - 40 * (second - SENDING)));
  let second = 0;
  const recorder = new SeriesRecorder(counters, {
    pending: () => pending,
    queueDepth: async () => ({ [queues.placeOrder]: placeOrderDepth(second), [queues.inventoryOrderCancelled]: second % 4 }),
  });
  const acceptedIn: number[][] = [];
  recorder.start(T0);
  for (second = 0; second < SECONDS; second++) {
    const accepted = second < SENDING ? latencies(400 + 40 * second, 3 + second * 0.4) : [];
    for (const ms of accepted) counters.acceptance.record(ms);
    counters.accepted += accepted.length;
    acceptedIn.push(accepted);
    if (second >= 8 && second < 11) for (let i = 0; i < 25; i++) counters.refuse('503');
    const decided = Math.min(pending + accepted.length, 380 + 30 * second);
    for (const ms of latencies(decided, 40 + 6 * second)) counters.endToEnd.record(ms);
    counters.confirmed += decided - Math.floor(decided / 20);
    counters.rejected += Math.floor(decided / 20);
    pending += accepted.length - decided;
    recorder.sample(T0 + (second + 1) * 1000);
    // The depth is read in the background; let it land before the next interval.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { counters, acceptedIn, series: await recorder.finish(T0 + SECONDS * 1000) };
}

/** The gateway alone (a bench phase): answers only, nothing decided, no queue read. */
async function simulateValidate(): Promise<RunSeries> {
  const counters = new LoadCounters();
  const recorder = new SeriesRecorder(counters);
  recorder.start(T0);
  for (let second = 0; second < 8; second++) {
    const answered = latencies(900 + 50 * second, 2 + second * 0.2);
    for (const ms of answered) counters.acceptance.record(ms);
    counters.accepted += answered.length;
    recorder.sample(T0 + (second + 1) * 1000);
  }
  return recorder.finish(T0 + 8000);
}

function loadResultOf(counters: LoadCounters, series: RunSeries): LoadResult {
  return {
    label: 'pipeline',
    runId: 'c0ffee01',
    mode: 'orders',
    pacing: 'closed loop, 64 in flight',
    sent: counters.accepted + counters.failed,
    accepted: counters.accepted,
    confirmed: counters.confirmed,
    rejected: counters.rejected,
    refused: Object.fromEntries(counters.refused),
    seconds: { sending: SENDING, toLastTerminal: SECONDS },
    acceptedPerSecond: counters.accepted / SENDING,
    processedPerSecond: counters.terminal / SECONDS,
    acceptance: counters.acceptance.summary(),
    toolLoopDelay: { p99: 12, max: 30 },
    endToEnd: counters.endToEnd.summary(),
    decidedBeforeReply: 0,
    pollErrors: 0,
    stuck: [],
    reconciliation: { accepted: counters.accepted, lost: 0, duplicated: 0, stillPending: 0, wrongCustomer: 0, examples: { lost: [], duplicated: [], stillPending: [] } },
    resources: [],
    series,
  };
}

interface DrawnChart {
  kind: string;
  empty: boolean;
  canvas: { width: number; height: number } | null;
  /** Per legend entry: how many canvas pixels have the line's colour. */
  lines: Array<{ label: string; color: string; pixels: number }>;
}

/** Reads what uPlot drew: each chart's canvas, and for each line of its legend the pixels of its colour. */
const drawnCharts = (page: Page, run: number): Promise<DrawnChart[]> =>
  page.evaluate((index) => {
    const rgb = (css: string) => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    return Array.from(document.querySelectorAll(`section[data-run="${index}"] figure.chart`)).map((figure) => {
      const chart = figure as HTMLElement;
      const canvas = chart.querySelector('canvas');
      const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const lines = Array.from(chart.querySelectorAll('.u-legend .u-series')).slice(1).map((row) => {
        const color = getComputedStyle(row.querySelector('.u-marker')!).borderColor;
        const [r, g, b] = rgb(color);
        let count = 0;
        for (let i = 0; pixels && i < pixels.length; i += 4) {
          if (Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 30 && pixels[i + 3] > 200) count++;
        }
        return { label: row.querySelector('.u-label')?.textContent ?? '', color, pixels: count };
      });
      const box = canvas?.getBoundingClientRect();
      return { kind: chart.dataset.chart ?? '', empty: chart.dataset.empty === 'true', canvas: box ? { width: box.width, height: box.height } : null, lines };
    });
  }, run);

describe('the series recorder', () => {
  it('when it is sampled each second, then each point holds that second\'s rates, percentiles and queue depth only', async () => {
    const { series, acceptedIn } = await simulateOrders();

    expect(series.points).toHaveLength(SECONDS);
    const third = series.points[2];
    expect(third.t).toBe(3);
    expect(third.acceptedPerSecond).toBe(480);
    expect(third.acceptance).toEqual({ count: 480, p50: nearestRank(acceptedIn[2], 0.5), p95: nearestRank(acceptedIn[2], 0.95), p99: nearestRank(acceptedIn[2], 0.99) });
    expect(third.queues).toEqual({ [queues.placeOrder]: 26, [queues.inventoryOrderCancelled]: 2 });
    expect(series.points[9].refusedPerSecond).toBe(25);
    expect(series.points[SECONDS - 1].acceptance).toBeNull();
    expect(series.points[SECONDS - 1].pending).toBe(0);
  });

  it('when the broker cannot be reached, then the points have no queue depth and the recording goes on', async () => {
    const probe = queueDepthProbe(`amqp://127.0.0.1:${await freePort()}`, [queues.placeOrder], 1000);
    const counters = new LoadCounters();
    const recorder = new SeriesRecorder(counters, { queueDepth: probe.read });
    try {
      recorder.start(T0);
      counters.accepted = 10;
      recorder.sample(T0 + 1000);
      const series = await recorder.finish(T0 + 1000);

      expect(series.points).toEqual([expect.objectContaining({ t: 1, acceptedPerSecond: 10 })]);
      expect(series.points[0].queues).toBeUndefined();
    } finally {
      await probe.close();
    }
  });
});

describe('the HTML report of a load run, in headless Chromium', () => {
  let browser: HeadlessChromium | undefined;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    const { counters, series } = await simulateOrders();
    const report = loadHtmlReport(loadResultOf(counters, series));
    report.runs.push({ label: 'gateway only (validate)', mode: 'validate', text: 'R_http', series: await simulateValidate() });
    await writeHtmlReport(htmlFile, report);

    browser = await launchChromium({ width: 1280, height: 900 });
    context = browser.context;
    // The page may load nothing but itself: anything else is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(htmlFile).href || url.startsWith('data:')) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    page.on('pageerror', (err) => void consoleErrors.push(err.message));
    page.on('requestfailed', (request) => void failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(pathToFileURL(htmlFile).href);
    await page.waitForFunction(() => document.body.dataset.rendered === 'true', undefined, { timeout: 10_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
  }, 660_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('when the page is opened, then it renders without console errors and requests nothing outside the file', () => {
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(outsideRequests).toEqual([]);
  });

  it('when the page is opened, then throughput, both latencies and queue depth are drawn as lines on non-empty canvases', async () => {
    const charts = await drawnCharts(page, 0);

    expect(charts.map((c) => c.kind)).toEqual(['throughput', 'acceptance', 'end-to-end', 'queue-depth']);
    for (const chart of charts) {
      expect(chart).toEqual(expect.objectContaining({ empty: false, canvas: { width: expect.any(Number), height: expect.any(Number) } }));
      expect(chart.canvas!.width).toBeGreaterThan(300);
      expect(chart.canvas!.height).toBeGreaterThan(100);
      // Axes and grid are grey; a line's own colour on the canvas means its data was drawn.
      for (const line of chart.lines) expect({ chart: chart.kind, line: line.label, drawn: line.pixels >= 20 }).toEqual({ chart: chart.kind, line: line.label, drawn: true });
    }
    expect(charts[0].lines.map((l) => l.label)).toEqual(['accepted/s', 'decided/s', 'refused/s']);
    expect(charts[2].lines.map((l) => l.label)).toEqual(['p50', 'p95', 'p99']);
    expect(charts[3].lines.map((l) => l.label)).toEqual([`${queues.placeOrder} (messages ready)`, `${queues.inventoryOrderCancelled} (messages ready)`, 'orders accepted, not decided']);
    expect(existsSync(screenshot)).toBe(true);
  });

  it('when a run is the gateway alone, then its end-to-end chart says it has no data and the others are drawn', async () => {
    const charts = await drawnCharts(page, 1);

    expect(charts.map((c) => [c.kind, c.empty])).toEqual([
      ['throughput', false],
      ['acceptance', false],
      ['end-to-end', true],
      ['queue-depth', true],
    ]);
    expect(charts[0].lines).toEqual([expect.objectContaining({ label: 'answered/s', pixels: expect.any(Number) })]);
    expect(charts[0].lines[0].pixels).toBeGreaterThanOrEqual(20);
  });

  it('when the file is read, then it names no http(s) address outside the bundled library\'s license comment', () => {
    const html = readFileSync(htmlFile, 'utf8');
    const licenseComments = /\/\*![\s\S]*?\*\//g;

    expect(html).toMatch(/\/\*! https:\/\/github\.com\/leeoniya\/uPlot/);
    expect(html.replace(licenseComments, '').match(/https?:\/\/\S*/gi)).toBeNull();
    expect(html.match(/\b(src|href)\s*=\s*["']?(?!data:)[^"'\s>]+/gi)).toBeNull();
  });
});
