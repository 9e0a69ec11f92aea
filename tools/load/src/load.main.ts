import path from 'node:path';
import { parseLoadArgs, loadUsage } from './cli/load-args';
import { runLoad } from './load/run-load';
import { loadHtmlReport, writeHtmlReport } from './report/html-report';
import { formatLoadSummary, isClean } from './report/load-summary';
import { withoutSeries } from './report/run-series';
import { repoRoot } from './repo';
import { runningPlatform } from './target/running-platform';
import { startTestPlatform } from './target/start-test-platform';
import type { Target } from './target/target';

async function main(): Promise<number> {
  const args = parseLoadArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(loadUsage);
    return 0;
  }
  const say = (line: string) => process.stderr.write(`▸ ${line}\n`);
  let target: Target;
  if (args.spawn) {
    target = await startTestPlatform({ fresh: args.fresh, verbose: args.verbose, serviceNodeOptions: args.serviceNodeOptions, cpuProfileDir: args.cpuProfileDir, say });
  } else {
    target = runningPlatform(args.profile, args.gateway);
  }
  const stop = () => void target.close().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  try {
    say(`${args.validateOnly ? 'validating' : 'placing'} orders through ${target.gatewayUrl}`);
    const result = await runLoad({
      gatewayUrl: target.gatewayUrl,
      ordersDatabaseUrl: target.ordersDatabaseUrl,
      orders: args.orders,
      durationSeconds: args.durationSeconds,
      rate: args.rate,
      concurrency: args.concurrency,
      customers: args.customers,
      outOfStockShare: args.outOfStockShare,
      validateOnly: args.validateOnly,
      drainTimeoutSeconds: args.drainTimeoutSeconds,
      reads: args.reads,
      progress: args.json && args.progress === 'bar' ? 'none' : args.progress,
      probes: target.probes(),
      brokerUrl: target.brokerUrl,
    });
    process.stdout.write(args.json ? `${JSON.stringify(result, withoutSeries, 2)}\n` : `\n${formatLoadSummary(result)}\n`);
    const report = await writeHtmlReport(path.resolve(args.report ?? path.join(repoRoot, 'reports', 'load-report.html')), loadHtmlReport(result));
    // stdout stays pure JSON with --json.
    (args.json ? process.stderr : process.stdout).write(`\nHTML report: ${report}\n`);
    return isClean(result) ? 0 : 1;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`load failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
