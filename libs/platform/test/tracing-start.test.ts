import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The preload as a service runs it (`node --require @shop/platform/preload dist/main.js`), in a
// process of its own, exporting to an OTLP/HTTP endpoint here: what the OTEL_* variables choose.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const preload = path.join(repoRoot, 'libs', 'platform', 'dist', 'tracing', 'preload.js');

interface Export {
  contentType: string;
  body: Buffer;
}

let sink: Server;
let endpoint: string;
let exports: Export[] = [];
let dir: string;
let script: string;

beforeAll(async () => {
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push({ contentType: String(req.headers['content-type']), body: Buffer.concat(chunks) });
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  // A service's layout: services/<name>/dist/main.js, its package.json beside dist/.
  dir = mkdtempSync(path.join(tmpdir(), 'tracing-start-'));
  mkdirSync(path.join(dir, 'services', 'probe', 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'services', 'probe', 'package.json'), '{"name":"probe"}');
  script = path.join(dir, 'services', 'probe', 'dist', 'main.js');
  writeFileSync(
    script,
    `const api = require(${JSON.stringify(require.resolve('@opentelemetry/api'))});
const { stopTracing } = require(${JSON.stringify(path.join(repoRoot, 'libs', 'platform', 'dist', 'tracing', 'sdk.js'))});
const span = api.trace.getTracer('probe').startSpan('probe span');
const headers = {};
api.propagation.inject(api.trace.setSpan(api.context.active(), span), headers);
const recording = span.isRecording();
span.end();
process.stdout.write(JSON.stringify({ recording, headers }));
stopTracing().then(() => process.exit(0));
`,
  );
});

afterEach(() => {
  exports = [];
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => sink.close(resolve));
});

function runService(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, script], { env: { ...clean, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the preload starts the tracing SDK from the OTEL_* variables', () => {
  it('when the protocol is http/json, then the span reaches the endpoint as OTLP JSON from the service named by its folder, with the W3C traceparent only', async () => {
    const run = await runService({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(run).toMatchObject({ code: 0 });
    const { recording, headers } = JSON.parse(run.out) as { recording: boolean; headers: Record<string, string> };
    expect(recording).toBe(true);
    expect(Object.keys(headers)).toEqual(['traceparent']);
    expect(exports).toHaveLength(1);
    expect(exports[0].contentType).toContain('application/json');
    const body = JSON.parse(exports[0].body.toString('utf8'));
    const [resourceSpans] = body.resourceSpans;
    const attributes = Object.fromEntries(resourceSpans.resource.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
    expect(attributes).toMatchObject({ 'service.name': 'probe', 'telemetry.sdk.language': 'nodejs' });
    expect(typeof attributes['host.name']).toBe('string');
    expect(resourceSpans.scopeSpans.flatMap((s: any) => s.spans.map((span: any) => span.name))).toEqual(['probe span']);
    expect(resourceSpans.scopeSpans[0].spans[0].traceId).toBe(headers.traceparent.split('-')[1]);
  });

  it('when no protocol is set, then it is OTLP protobuf; OTEL_SERVICE_NAME and OTEL_PROPAGATORS are honoured', async () => {
    const run = await runService({ OTEL_SERVICE_NAME: 'named-probe', OTEL_PROPAGATORS: 'none' });
    expect(run).toMatchObject({ code: 0 });
    expect(exports).toHaveLength(1);
    expect(exports[0].contentType).toBe('application/x-protobuf');
    // Protobuf writes strings as they are: the span's and the service's names are in the body.
    expect(exports[0].body.includes('probe span')).toBe(true);
    expect(exports[0].body.includes('named-probe')).toBe(true);
    expect(JSON.parse(run.out).headers).toEqual({});
  });

  it('when the sampler samples nothing, then the span is not recorded and nothing is exported, but the decision still propagates', async () => {
    const run = await runService({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(run).toMatchObject({ code: 0 });
    const { recording, headers } = JSON.parse(run.out) as { recording: boolean; headers: Record<string, string> };
    expect(recording).toBe(false);
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(exports).toEqual([]);
  });
});
