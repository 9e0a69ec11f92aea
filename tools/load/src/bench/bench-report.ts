import { formatProfile } from '../profile/cpu-profile';
import type { HtmlReport } from '../report/html-report';
import { formatLoadSummary, isClean, ms, rate } from '../report/load-summary';
import type { LoadResult } from '../load/run-load';
import { meanRHttp, type BenchResult } from './run-bench';
import { againstOff, processMedians, tracingModes, type TracingCost, type TracingMode } from './tracing-cost';

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

/** The tracing phases: per mode the medians, and the change against tracing off paired round by round, with the budget of each. */
function formatTracing(cost: TracingCost): string[] {
  const budget: Record<string, string> = { '0': 'the SDK alone, nothing sampled', '0.1': 'budget ≤ 10 %', '1.0': 'measured, no budget' };
  return [
    `Tracing (${cost.rounds} round${cost.rounds === 1 ? '' : 's'} of ${cost.orders} orders per mode${cost.rate ? ` at ${cost.rate} orders/s, compared by CPU per order` : ', closed loop, compared by throughput'}, each after a warm-up; spans exported over OTLP/HTTP to a sink that stores nothing, as to a collector elsewhere; each change is the median over the rounds of a run against the off run of its round)`,
    // Reports written before --tracing-modes have no modes: the three of the default.
    ...(cost.modes ?? tracingModes).map((mode) => {
      const m = cost.medians[mode]!;
      const head = `  ${mode.padEnd(4)} ${rate(m.processedPerSecond).padStart(10)}   services' CPU ${m.servicesCpuPer1000.toFixed(3)} s per 1,000 orders`;
      if (mode === 'off') return head;
      const d = againstOff(cost, mode);
      const exported = cost.runs.filter((r) => r.mode === mode).reduce((sum, r) => sum + r.exportedBytes, 0) / cost.rounds / cost.orders;
      // At one offered rate every mode keeps the pace: the budget is then read from the services' CPU
      // per order (all of the change counted against throughput, though RabbitMQ and Postgres share the cores).
      const met = mode === '0.1' ? `: ${mark(cost.rate ? d.cpu <= 0.1 : d.throughput >= -0.1)}` : '';
      const spread = cost.rounds > 1 ? ` (rounds ${pct(d.cpuRange[0])} to ${pct(d.cpuRange[1])})` : '';
      const machine = d.machineCpu === undefined ? '' : `, the machine's ${pct(d.machineCpu)}`;
      return `${head}   throughput ${pct(d.throughput)}, services' CPU ${pct(d.cpu)}${spread}${machine} against off (${budget[mode]}${met}); ${exported.toFixed(0)} bytes exported per order`;
    }),
    ...formatProcessMedians(cost),
  ];
}

/** Where the CPU went, per mode: each process's median CPU seconds per 1,000 orders (runs before this was kept have none). */
function formatProcessMedians(cost: TracingCost): string[] {
  const modes = cost.modes ?? tracingModes;
  const perMode = modes.map((mode) => processMedians(cost, mode));
  const names = [...new Set(perMode.flatMap((m) => Object.keys(m)))].filter((name) => name !== 'load tool');
  if (names.length === 0) return [];
  return [
    `  CPU s per 1,000 orders, median per process: ${modes.map((mode) => mode.padStart(7)).join('')}`,
    ...names.map((name) => `    ${name.padEnd(42)} ${perMode.map((m) => (m[name] === undefined ? 'n/a' : m[name].toFixed(3)).padStart(7)).join('')}`),
  ];
}

/** The tracing line of the HTML report: each measured mode against off, by throughput, or by CPU per order at one offered rate. */
function tracingFigures(cost: TracingCost): Array<{ label: string; value: string; note?: string }> {
  const by = cost.rate ? 'CPU per order' : 'throughput';
  const change = (mode: TracingMode) => pct(cost.rate ? againstOff(cost, mode).cpu : againstOff(cost, mode).throughput);
  const measured = (cost.modes ?? tracingModes).filter((mode) => mode !== 'off');
  // The budgeted mode leads when it was measured.
  const [first, ...others] = measured.includes('0.1') ? ['0.1' as const, ...measured.filter((mode) => mode !== '0.1')] : measured;
  if (!first) return [];
  return [{ label: `tracing at ${first} against off (${by})`, value: change(first), ...(others.length ? { note: others.map((mode) => `at ${mode} ${change(mode)}`).join(', ') } : {}) }];
}

export const tracingClean = (result: BenchResult): boolean => result.tracing?.runs.every((r) => r.clean) ?? true;

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
  if (result.tracing) lines.push('', ...formatTracing(result.tracing));
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
      ...(result.tracing ? tracingFigures(result.tracing) : []),
      { label: 'lost 0, duplicated 0', value: loadPhases(result).every(isClean) && tracingClean(result) ? 'yes' : 'NO' },
    ],
    runs: loadPhases(result).map((p) => ({ label: p.label, mode: p.mode, text: formatLoadSummary(p), series: p.series })),
  };
}
