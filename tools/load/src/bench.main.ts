import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchUsage, parseBenchArgs } from './bench/bench-args';
import { benchHtmlReport, formatBench, loadPhases, tracingClean } from './bench/bench-report';
import { formatHaMemory, runHaCompare, runHaMemory } from './bench/ha-bench';
import { formatHaCompare, haCompareHtmlReport } from './bench/ha-compare-report';
import { runBench } from './bench/run-bench';
import { writeHtmlReport } from './report/html-report';
import { isClean } from './report/load-summary';
import { withoutSeries } from './report/run-series';
import { repoRoot } from './repo';
import { startTestPlatform } from './target/start-test-platform';

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(benchUsage);
    return 0;
  }
  const say = (line: string) => process.stderr.write(`\n▸ ${line}\n`);
  const outDir = args.out ?? path.join(repoRoot, 'reports', 'bench', new Date().toISOString().replace(/[:.]/g, '-'));
  await mkdir(outDir, { recursive: true });
  if (args.topology === 'ha') return args.memory ? haMemory(args, outDir, say) : haCompare(args, outDir, say);

  const platform = await startTestPlatform({ fresh: args.fresh, verbose: args.verbose, serviceNodeOptions: args.serviceNodeOptions, say });
  const stop = () => void platform.close().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  try {
    const result = await runBench(platform, args, outDir, say);
    const text = formatBench(result);
    await writeFile(path.join(outDir, 'bench.json'), JSON.stringify(result, withoutSeries, 2));
    await writeFile(path.join(outDir, 'summary.txt'), `${text}\n`);
    const report = await writeHtmlReport(path.join(outDir, 'bench-report.html'), benchHtmlReport(result));
    process.stdout.write(args.json ? `${JSON.stringify(result, withoutSeries, 2)}\n` : `\n${text}\n\nWritten to ${outDir}\n`);
    // stdout stays pure JSON with --json.
    (args.json ? process.stderr : process.stdout).write(`HTML report: ${report}\n`);
    return loadPhases(result).every(isClean) && tracingClean(result) ? 0 : 1;
  } finally {
    await platform.close();
  }
}

type Args = ReturnType<typeof parseBenchArgs>;

async function haCompare(args: Args, outDir: string, say: (line: string) => void): Promise<number> {
  const result = await runHaCompare(args, say);
  const text = formatHaCompare(result);
  await writeFile(path.join(outDir, 'ha-compare.json'), JSON.stringify({ args, ...result }, withoutSeries, 2));
  await writeFile(path.join(outDir, 'summary.txt'), `${text}\n`);
  const report = await writeHtmlReport(path.join(outDir, 'bench-report.html'), haCompareHtmlReport(result));
  process.stdout.write(args.json ? `${JSON.stringify(result, withoutSeries, 2)}\n` : `\n${text}\n\nWritten to ${outDir}\n`);
  (args.json ? process.stderr : process.stdout).write(`HTML report: ${report}\n`);
  return result.legs.every((l) => isClean(l.saturated) && isClean(l.atRate)) ? 0 : 1;
}

async function haMemory(args: Args, outDir: string, say: (line: string) => void): Promise<number> {
  const result = await runHaMemory(args, outDir, say);
  const text = formatHaMemory(result);
  await writeFile(path.join(outDir, 'ha-memory.json'), JSON.stringify({ args, ...result }, withoutSeries, 2));
  await writeFile(path.join(outDir, 'summary.txt'), `${text}\n`);
  process.stdout.write(args.json ? `${JSON.stringify(result, withoutSeries, 2)}\n` : `\n${text}\n\nWritten to ${outDir}\n`);
  return isClean(result.run) && result.footprint.every((r) => !r.growing) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
