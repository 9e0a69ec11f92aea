import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually, freePort } from '@shop/test-kit';
import type { Waterfall } from '../src/trace/waterfall';

// A real Jaeger v1.75.0 (scripts/observe/jaeger.sh) on ports and a run folder of its own, fed by
// the OpenTelemetry SDK over OTLP/HTTP (support/send-order-spans.mjs), then `npm run trace`'s entry
// point, scripts/trace.mjs. That runs tools/ops/dist: npm test builds it first; after edits run
// `npx tsc -b`. On a machine without the cached binary, beforeAll builds Jaeger from the Go module
// proxy first: about 12 minutes on 2 busy cores, hence its 15 minutes.

const root = resolve(__dirname, '../../..');
const run = promisify(execFile);
const ORDER = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runTrace(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'scripts/trace.mjs'), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run trace against a real Jaeger', () => {
  let env: NodeJS.ProcessEnv;
  let runDir: string;
  let jaegerUrl: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'jaeger-test-'));
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [grpc, http, query, queryGrpc] = [...ports];
    env = {
      ...process.env,
      JAEGER_RUN_DIR: runDir,
      JAEGER_OTLP_GRPC_PORT: String(grpc),
      JAEGER_OTLP_HTTP_PORT: String(http),
      JAEGER_QUERY_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
    };
    jaegerUrl = `http://127.0.0.1:${query}`;
    await run('bash', [join(root, 'scripts/observe/jaeger.sh'), 'up'], { env, timeout: 14 * 60_000 });
    const sent = await run(process.execPath, [join(__dirname, 'support/send-order-spans.mjs'), `http://127.0.0.1:${http}/v1/traces`, ORDER, OTHER]);
    ids = JSON.parse(sent.stdout);
  }, 15 * 60_000);

  afterAll(async () => {
    if (env) await run('bash', [join(root, 'scripts/observe/jaeger.sh'), 'down'], { env });
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });

  it('when an order was accepted and then processed in a batch that failed one step, then its waterfall shows both traces, the tree, the error and the link', async () => {
    const r = await eventually(
      () => runTrace([ORDER, '--jaeger', jaegerUrl]),
      (r) => r.stdout.includes('reserve stock'),
    );

    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`order ${ORDER}: 2 traces, 5 spans, 90.0 ms from the first span to the last`);
    expect(r.stdout).toContain(`trace ${ids.order} (carries the order) at +0.0 ms, 20.0 ms`);
    expect(r.stdout).toContain(`trace ${ids.batch} (links to the order) at +30.0 ms, 60.0 ms`);
    const at = (pattern: RegExp): number => lines.findIndex((l) => pattern.test(l));
    const gateway = at(/^api-gateway +POST \/v1\/orders +0\.0 +20\.0 +OK +\|█/);
    const publish = at(/^ {2}api-gateway +place-order publish +5\.0 +2\.0 +OK +\|/);
    const batch = at(/^order-management +place-order process +30\.0 +60\.0 +OK +\|/);
    const credit = at(/^ {2}customer-service +check credit +35\.0 +10\.0 +OK +\|/);
    const stock = at(/^ {2}inventory-service +reserve stock +50\.0 +30\.0 +ERROR +\|/);
    expect([gateway, publish, batch, credit, stock].every((i) => i > 0)).toBe(true);
    expect(publish).toBe(gateway + 1);
    expect(lines.slice(batch + 1, credit)).toEqual([
      `    ↳ link trace ${ids.order} span ${ids.publish} (api-gateway place-order publish)`,
      `    ↳ link trace ${ids.other} span ${ids.otherPublish}`,
    ]);
    expect(lines[stock + 1]).toBe('      ! out of stock');
    // The other order of the batch, and a later batch of only that order, are not this order's story.
    expect(r.stdout).not.toMatch(new RegExp(`^trace ${ids.other}`, 'm'));
    expect(r.stdout).not.toContain(ids.unrelated);
  });

  it('when asked for JSON, then the same picture comes as data', async () => {
    const r = await runTrace([ORDER, '--jaeger', jaegerUrl, '--json']);

    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const w = JSON.parse(r.stdout) as Waterfall;
    expect(w.traces.map((t) => [t.traceId, t.role])).toEqual([
      [ids.order, 'carries the order'],
      [ids.batch, 'links to the order'],
    ]);
    expect(w.traces[1].spans.map((s) => [s.service, s.depth, s.status])).toEqual([
      ['order-management', 0, 'OK'],
      ['customer-service', 1, 'OK'],
      ['inventory-service', 1, 'ERROR'],
    ]);
  });

  it('when no span carries the order id, then it says so and exits 1', async () => {
    const r = await runTrace(['no-such-order', '--jaeger', jaegerUrl, '--lookback', '1h']);

    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain(`trace: no span tagged order.id=no-such-order in Jaeger at ${jaegerUrl} within the last 1h`);
  });

  it('when Jaeger does not answer, then it says where it looked and exits 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await runTrace([ORDER, '--jaeger', closed]);

    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`trace: cannot reach Jaeger at ${closed}`);
    expect(r.stderr).toContain('scripts/observe/jaeger.sh up');
  });

  it('when the arguments are wrong, then it prints the usage and exits 2', async () => {
    const r = await runTrace(['--json']);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trace: an order id is required');
    expect(r.stderr).toContain('Usage: npm run trace');
  });
});
