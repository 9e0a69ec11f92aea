import { parseArgs } from 'node:util';
import { JaegerUnavailableError, findOrderTraces } from './trace/find-order-traces';
import { buildWaterfall, renderWaterfall } from './trace/waterfall';

const usage = `Usage: npm run trace -- <orderId> [--jaeger URL] [--json] [--lookback 2d] [--limit 100]
  Finds the traces of an order in Jaeger (spans tagged order.id, the traces they link to and the
  ones that link to them, such as a batch) and prints them as a waterfall, or as JSON with --json.
  --jaeger    Jaeger's query API (default http://127.0.0.1:16686, as scripts/observe/jaeger.sh up starts it)
  --lookback  how far back to search: a number and ms, s, m, h or d (default 2d)
  --limit     traces per search (default 100)`;

type Parsed = { orderId: string; jaegerUrl: string; json: boolean; lookback: string; lookbackMs: number; limit: number };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The command line, or a usage error naming what is wrong. */
export function parseTraceArgs(args: string[]): Parsed | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        jaeger: { type: 'string', default: 'http://127.0.0.1:16686' },
        json: { type: 'boolean', default: false },
        lookback: { type: 'string', default: '2d' },
        limit: { type: 'string', default: '100' },
      },
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const [orderId, ...extra] = parsed.positionals;
  const { jaeger, json, lookback, limit } = parsed.values;
  if (!orderId?.trim()) return { error: 'an order id is required' };
  if (extra.length > 0) return { error: `unexpected ${extra.join(' ')}` };
  let url: URL;
  try {
    url = new URL(jaeger);
  } catch {
    return { error: `--jaeger ${jaeger} is not a URL` };
  }
  if (!['http:', 'https:'].includes(url.protocol)) return { error: `--jaeger ${jaeger} is not an http(s) URL` };
  const span = /^(\d+)(ms|s|m|h|d)$/.exec(lookback);
  if (!span || Number(span[1]) === 0) return { error: '--lookback must be a positive duration such as 30m, 6h or 2d' };
  if (!/^[1-9]\d*$/.test(limit)) return { error: '--limit must be a positive integer' };
  return { orderId: orderId.trim(), jaegerUrl: jaeger, json, lookback, lookbackMs: Number(span[1]) * UNITS[span[2]], limit: Number(limit) };
}

async function main(args: string[]): Promise<number> {
  const parsed = parseTraceArgs(args);
  if ('error' in parsed) {
    process.stderr.write(`trace: ${parsed.error}\n${usage}\n`);
    return 2;
  }
  const { orderId, jaegerUrl, json, lookback, lookbackMs, limit } = parsed;
  const waterfall = buildWaterfall(orderId, await findOrderTraces({ jaegerUrl, orderId, lookbackMs, limit }));
  if (waterfall.traces.length === 0) {
    process.stderr.write(`trace: no span tagged order.id=${orderId} in Jaeger at ${jaegerUrl} within the last ${lookback}\n`);
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(waterfall, null, 2)}\n` : renderWaterfall(waterfall));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      const hint = err instanceof JaegerUnavailableError ? '; is it running? scripts/observe/jaeger.sh up starts one' : '';
      process.stderr.write(`trace: ${(err as Error).message}${hint}\n`);
      process.exit(1);
    },
  );
}
