import { formatProfile } from '../profile/cpu-profile';
import type { HtmlReport } from '../report/html-report';
import { formatLoadSummary, isClean, ms, rate } from '../report/load-summary';
import type { LoadResult } from '../load/run-load';
import { meanRHttp, type BenchResult } from './run-bench';
import type { TracingMode } from './tracing-cost';
import { summarise, type TwinCost } from './tracing-twins';

const services = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function loadPhases(result: BenchResult): LoadResult[] {
  return [result.warmup, result.rHttp, result.pipeline, result.rHttpAfter, result.at70, result.naive, ...(result.profiled ? [result.profiled.run] : [])];
}

function formatBrokerCost({ brokerCost: c, pipeline }: BenchResult): string {
  const ours = pipeline.resources.find((u) => u.name === 'rabbitmq')?.cpuPer1000;
  return (
    `Broker at the pipeline's rate (${rate(c!.rate)}, ${c!.seconds} s each): ${c!.persistent.toFixed(3)} CPU-s per 1,000 persistent messages, ` +
    `${c!.transient.toFixed(3)} transient; the pipeline's RabbitMQ: ${ours === undefined ? 'n/a' : ours.toFixed(3)} per 1,000 orders`
  );
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;

/** Reports written before the twins held another shape: they are not rendered again. */
const twinCost = (result: BenchResult): TwinCost | undefined => (result.tracing && 'runs' in result.tracing && result.tracing.runs.every((r) => 'gateway' in r) ? result.tracing : undefined);

/** The twins: per traced mode, each service's CPU per order against its untraced twin, and the pipeline's share, with the budget. */
export function formatTracing(cost: TwinCost): string[] {
  const budget: Record<string, string> = { '0': 'the SDK alone, nothing sampled', '0.1': 'budget ≤ 10 %', '1.0': 'measured, no budget' };
  const lines = [
    `Tracing on twins (${cost.rounds} round${cost.rounds === 1 ? '' : 's'} of ${cost.orders} orders per part at ${cost.rate} orders/s, each after a warm-up): an untraced and a traced instance of each service side by side under the same load; spans exported over OTLP/HTTP to a sink that stores nothing, as to a collector elsewhere; each change the median over the rounds of the pair's ratio`,
  ];
  const rounds = (changes: number[]) => (changes.length > 1 ? ` (rounds ${changes.map(pct).join(', ')})` : '');
  for (const mode of cost.modes.filter((m) => m !== 'off')) {
    const m = summarise(cost, mode);
    if (!m) continue;
    lines.push(`  at ${mode}: CPU s per 1,000 orders, off → traced`);
    // Services a run did not measure (an experiment's gateways alone) are left out.
    for (const [service, [off, traced]] of Object.entries(m.perService).filter(([, [off]]) => Number.isFinite(off))) {
      const name = service as keyof typeof m.change;
      lines.push(`    ${service.padEnd(20)} ${off.toFixed(3)} → ${traced.toFixed(3)}   ${pct(m.change[name])}${rounds(m.changeRounds[name])}`);
    }
    if (!Number.isFinite(m.pipeline.loss)) continue;
    lines.push(`    ${'RabbitMQ, Postgres'.padEnd(20)} ${m.infrastructure.rabbitmq.toFixed(3)}, ${m.infrastructure.postgres.toFixed(3)} (untraced, shared)`);
    const met = mode === '0.1' ? `: ${mark(m.pipeline.loss <= 0.1)}` : '';
    lines.push(
      `    the pipeline: ${m.pipeline.off.toFixed(3)} CPU s per 1,000 orders untraced, tracing adds ${m.pipeline.extra.toFixed(3)}: throughput ${pct(-m.pipeline.loss)}${rounds(m.pipeline.rounds.map((l) => -l))} (${budget[mode]}${met})`,
    );
  }
  return lines;
}

/** The tracing line of the HTML report: the pipeline's throughput against off, per traced mode. */
function tracingFigures(cost: TwinCost): Array<{ label: string; value: string; note?: string }> {
  const measured = cost.modes.filter((mode) => mode !== 'off');
  // The budgeted mode leads when it was measured.
  const [first, ...others] = measured.includes('0.1') ? ['0.1' as const, ...measured.filter((mode) => mode !== '0.1')] : measured;
  const loss = (mode: TracingMode) => pct(-(summarise(cost, mode)?.pipeline.loss ?? NaN));
  if (!first) return [];
  return [{ label: `tracing at ${first}: the pipeline's throughput (twins)`, value: loss(first), ...(others.length ? { note: others.map((mode) => `at ${mode} ${loss(mode)}`).join(', ') } : {}) }];
}

export const tracingClean = (result: BenchResult): boolean => twinCost(result)?.runs.every((r) => r.clean) ?? true;

/** The figures and the targets of the issue, each marked met or missed. */
export function formatBench(result: BenchResult): string {
  const { machine: m, pipeline, at70, naive, rHttp, rHttpAfter, rMq, rDb, ratios } = result;
  const peakRss = Math.max(
    ...loadPhases(result).flatMap((p) => p.resources.filter((u) => services.includes(u.name)).map((u) => u.peakRssMb ?? 0)),
  );
  const orderPhases = loadPhases(result).filter((p) => p.mode === 'orders');
  const allClean = orderPhases.every(isClean) && tracingClean(result);
  const sustained = result.args.pipelineSeconds !== undefined && result.args.pipelineSeconds >= 60;
  const lines = [
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, kernel ${m.kernel}, PostgreSQL ${m.postgres.server_version} (synchronous_commit=${m.postgres.synchronous_commit}), RabbitMQ ${m.rabbitmq}`,
    result.foreignConsumers.before > 0 || result.foreignConsumers.after > 0
      ? `Warning: other consumers shared the place-order queue (${result.foreignConsumers.before} before, ${result.foreignConsumers.after} after)`
      : 'No other consumers on the place-order queue during the run',
    '',
    ...loadPhases(result).flatMap((p) => [formatLoadSummary(p), '']),
    `R_mq   ${rate(rMq.perSecond)} (${rMq.messages} persistent ${rMq.payloadBytes}-byte messages, publish with confirms + consume with acks, ${rMq.seconds.toFixed(1)} s)`,
    ...(result.brokerCost ? [formatBrokerCost(result)] : []),
    ...rDb.map((d) => `R_db   ${rate(d.perSecond)} at concurrency ${d.concurrency} (${d.rows} single-row transactions, ${d.seconds.toFixed(1)} s)`),
    '',
    'Summary',
    `  R_http (gateway alone)           ${rate(meanRHttp(result))}  (${rate(rHttp.acceptedPerSecond)} before the pipeline, ${rate(rHttpAfter.acceptedPerSecond)} after)`,
    `  R_mq (broker alone)              ${rate(rMq.perSecond)}`,
    `  R_db (1 row/tx, c=${rDb.map((d) => d.concurrency).join(', c=')})          ${rDb.map((d) => rate(d.perSecond)).join(', ')}`,
    `  pipeline, processed/s            ${rate(pipeline.processedPerSecond)}  (accepted ${rate(pipeline.acceptedPerSecond)})`,
    `  naive pipeline, processed/s      ${rate(naive.processedPerSecond)}`,
    `  pipeline / R_http                ${ratios.pipelineOverHttp.toFixed(2)}   target >= 0.5: ${mark(ratios.pipelineOverHttp >= 0.5)}`,
    `  pipeline / naive                 ${ratios.pipelineOverNaive.toFixed(1)}    target >= 3: ${mark(ratios.pipelineOverNaive >= 3)}`,
    `  pipeline >= 3,000/s              ${mark(pipeline.processedPerSecond >= 3000)}${sustained ? ` (sustained ${result.args.pipelineSeconds} s)` : ' (not a 60 s run: use --pipeline-seconds 60)'}`,
    `  at 70% (${at70.pacing})`,
    `    acceptance p99 ${ms(at70.acceptance.p99)}   target < 50 ms: ${mark(at70.acceptance.p99 < 50)}`,
    `    end-to-end p99 ${ms(at70.endToEnd.p99)}   target < 1 s: ${mark(at70.endToEnd.p99 < 1000)}`,
    `  peak RSS of a service process    ${peakRss.toFixed(0)} MB   target < 250 MB: ${mark(peakRss < 250)}`,
  ];
  if (pipeline.reads) {
    lines.push(
      `  GET /v1/orders/{id} p99          ${ms(pipeline.reads.getOrder.p99)}   target < 10 ms: ${mark(pipeline.reads.getOrder.p99 < 10)}`,
      `  first page of orders p99         ${ms(pipeline.reads.firstPage.p99)}   target < 20 ms: ${mark(pipeline.reads.firstPage.p99 < 20)}`,
    );
  }
  lines.push(`  lost 0 and duplicated 0 in every load phase: ${allClean ? 'yes' : 'NO'}`);
  const tracing = twinCost(result);
  if (tracing) lines.push('', ...formatTracing(tracing));
  if (result.profiled) lines.push('', 'CPU profiles (pipeline run)', ...result.profiled.profiles.map(formatProfile));
  return lines.join('\n');
}

/** The bench's HTML report: the summary's headline figures, then every load phase with its charts. */
export function benchHtmlReport(result: BenchResult): HtmlReport {
  const { pipeline, naive, at70, rMq, ratios } = result;
  return {
    title: `Benchmark: ${result.machine.cpus} x ${result.machine.cpuModel}`,
    text: formatBench(result),
    figures: [
      { label: 'pipeline, processed/s', value: rate(pipeline.processedPerSecond), note: `accepted ${rate(pipeline.acceptedPerSecond)}` },
      { label: 'R_http (gateway alone)', value: rate(meanRHttp(result)), note: `pipeline / R_http ${ratios.pipelineOverHttp.toFixed(2)}` },
      { label: 'R_mq (broker alone)', value: rate(rMq.perSecond) },
      { label: 'naive pipeline', value: rate(naive.processedPerSecond), note: `pipeline / naive ${ratios.pipelineOverNaive.toFixed(1)}` },
      { label: 'at 70 %: acceptance p99', value: ms(at70.acceptance.p99), note: `end-to-end p99 ${ms(at70.endToEnd.p99)}` },
      ...(twinCost(result) ? tracingFigures(twinCost(result)!) : []),
      { label: 'lost 0, duplicated 0', value: loadPhases(result).every(isClean) && tracingClean(result) ? 'yes' : 'NO' },
    ],
    runs: loadPhases(result).map((p) => ({ label: p.label, mode: p.mode, text: formatLoadSummary(p), series: p.series })),
  };
}
