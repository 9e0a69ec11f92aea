import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Api, startPlatform, tokenFor, type RunningPlatform } from '@shop/test-kit';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'fuzz', 'schemathesis.sh');
const config = path.join(__dirname, 'schemathesis.toml');
const hooks = path.join(__dirname, 'hooks.py');

export interface FuzzOptions {
  seed: number;
  /** Test cases per operation and phase (schemathesis --max-examples). */
  maxExamples: number;
  phases: string[];
  /** Where schemathesis writes its JUnit report and the probes of the authorization check. */
  reportDir: string;
}

export interface FuzzResult {
  command: string;
  seed: number;
  version: string;
  exitCode: number;
  /** schemathesis' own report: the summary, every failure with its reproduction curl. */
  output: string;
  /** Test cases schemathesis generated and sent (its summary). */
  testCases: number;
  /** API operations tested (its summary). */
  operations: number;
  /** Test cases that failed a check, and errors (its summary). */
  failures: number;
  errors: number;
  /** HTTP requests the gateway answered during the run, by its own metrics. */
  gatewayRequests: number;
  gatewayServerErrors: number;
  /** Orders read with the other customer's token, and what each answer was. */
  probes: Array<{ orderId: string; status: number }>;
  durationS: number;
}

export interface FuzzPlatform {
  platform: RunningPlatform;
  env: Record<string, string>;
}

/**
 * The platform as processes (test-kit), with what the fuzzer needs: two customers, an admin, a few
 * products and an order of the first customer, so that reads and the authorization check have
 * something to find from the first request on.
 */
export async function startFuzzPlatform(): Promise<FuzzPlatform> {
  const platform = await startPlatform();
  try {
    const admin = await Api.asAdmin(platform.gatewayUrl);
    const [customer, other] = [await admin.createCustomer(), await admin.createCustomer()];
    const products = [await admin.createProduct(1250, 1_000_000), await admin.createProduct(99, 1_000_000)];
    const placed = await (await Api.asCustomer(platform.gatewayUrl, customer)).post('/v1/orders', { items: [{ productId: products[0], quantity: 1 }] });
    if (placed.status !== 202) throw new Error(`seed order: ${placed.status} ${JSON.stringify(placed.body)}`);
    const env = {
      FUZZ_CUSTOMER_TOKEN: await tokenFor(customer, 'customer', 4 * 3600),
      FUZZ_OTHER_CUSTOMER_TOKEN: await tokenFor(other, 'customer', 4 * 3600),
      FUZZ_ADMIN_TOKEN: await tokenFor(randomUUID(), 'admin', 4 * 3600),
    };
    return { platform, env };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}

async function gatewayCounts(gatewayUrl: string): Promise<{ requests: number; serverErrors: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  let requests = 0;
  let serverErrors = 0;
  for (const line of text.split('\n')) {
    const match = /^http_requests_total\{([^}]*)\} (\d+)/.exec(line);
    if (!match || /route="\/metrics"/.test(match[1])) continue;
    requests += Number(match[2]);
    if (/status_code="5/.test(match[1])) serverErrors += Number(match[2]);
  }
  return { requests, serverErrors };
}

const summaryNumber = (output: string, pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? 0);

/** Runs schemathesis against the gateway's served document and reads its figures. */
export async function runSchemathesis({ platform, env }: FuzzPlatform, options: FuzzOptions): Promise<FuzzResult> {
  rmSync(options.reportDir, { recursive: true, force: true });
  mkdirSync(options.reportDir, { recursive: true });
  const probesFile = path.join(options.reportDir, 'probes.txt');
  writeFileSync(probesFile, '');
  const args = [
    '--config-file',
    path.relative(root, config),
    'run',
    `${platform.gatewayUrl}/openapi.json`,
    '--seed',
    String(options.seed),
    '--max-examples',
    String(options.maxExamples),
    '--phases',
    options.phases.join(','),
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    path.relative(root, options.reportDir),
  ];
  const command = `bash scripts/fuzz/schemathesis.sh ${args.join(' ')}`;
  const before = await gatewayCounts(platform.gatewayUrl);
  const started = Date.now();
  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
    const child = spawn('bash', [script, ...args], {
      cwd: root,
      // Hypothesis keeps its files (no examples database: none is configured) beside the report, not in the work tree.
      env: { ...process.env, ...env, FUZZ_HOOKS: hooks, FUZZ_PROBES_FILE: probesFile, HYPOTHESIS_STORAGE_DIRECTORY: path.join(options.reportDir, '.hypothesis'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
  const durationS = (Date.now() - started) / 1000;
  const after = await gatewayCounts(platform.gatewayUrl);
  const version = /Schemathesis v(\S+)/.exec(output)?.[1] ?? 'unknown';
  const probes = readFileSync(probesFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [orderId, status] = line.split(' ');
      return { orderId, status: Number(status) };
    });
  return {
    command,
    seed: options.seed,
    version,
    exitCode,
    output,
    testCases: summaryNumber(output, /Test cases:\s+(\d+) generated/),
    operations: summaryNumber(output, /Tested:\s+(\d+)/),
    // "1062 generated, 1 found 1 unique failure" or "1117 generated, 1117 passed".
    failures: summaryNumber(output, /Test cases:\s+\d+ generated, (\d+) found/),
    // "Errors:" lists each kind with its count, e.g. "🚫 Schema Error: 5".
    errors: [...(/^Errors:\n((?:\s+.+\n)+)/m.exec(output)?.[1] ?? '').matchAll(/: (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0),
    gatewayRequests: after.requests - before.requests,
    gatewayServerErrors: after.serverErrors - before.serverErrors,
    probes,
    durationS,
  };
}

/** One line for the log and the docs. */
export const figures = (r: FuzzResult) =>
  `schemathesis ${r.version}, seed ${r.seed}: ${r.testCases} test cases (${r.gatewayRequests} requests answered by the gateway, ` +
  `${r.gatewayServerErrors} of them 5xx) over ${r.operations} operations in ${r.durationS.toFixed(1)} s; ` +
  `${r.failures} failures, ${r.errors} errors; ${r.probes.length} orders read with another customer's token`;
