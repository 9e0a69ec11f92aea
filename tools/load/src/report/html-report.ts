import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from '../load/run-load';
import { formatLoadSummary, isClean, ms, rate } from './load-summary';
import { pageScript, pageStyle } from './report-page';
import type { IntervalPercentiles, RunSeries } from './run-series';

/** A headline figure at the top of the report. */
export interface ReportFigure {
  label: string;
  value: string;
  note?: string;
}

/** One run (a load, or a phase of the bench) with its charts. */
export interface ReportRun {
  label: string;
  mode: 'orders' | 'validate';
  /** The run's summary as the terminal printed it. */
  text: string;
  series: RunSeries;
}

export interface HtmlReport {
  title: string;
  figures: ReportFigure[];
  /** Printed text that covers the whole report (the bench's summary), shown folded. */
  text?: string;
  runs: ReportRun[];
  generatedAt?: Date;
}

type Column = Array<number | null>;
const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** The series as uPlot takes it: one array per line, aligned on the seconds. */
function columns(series: RunSeries) {
  const { points } = series;
  const of = (pick: (p: (typeof points)[number]) => number | undefined): Column => points.map((p) => finite(pick(p)));
  const percentiles = (pick: (p: (typeof points)[number]) => IntervalPercentiles | null) => ({
    p50: of((p) => pick(p)?.p50),
    p95: of((p) => pick(p)?.p95),
    p99: of((p) => pick(p)?.p99),
  });
  const queueNames = [...new Set(points.flatMap((p) => Object.keys(p.queues ?? {})))];
  return {
    t: points.map((p) => Math.round(p.t * 1000) / 1000),
    accepted: of((p) => p.acceptedPerSecond),
    decided: of((p) => p.decidedPerSecond),
    refused: of((p) => p.refusedPerSecond),
    acceptance: percentiles((p) => p.acceptance),
    endToEnd: percentiles((p) => p.endToEnd),
    pending: points.some((p) => p.pending !== undefined) ? of((p) => p.pending) : null,
    queues: Object.fromEntries(queueNames.map((q) => [q, of((p) => p.queues?.[q])])),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A dependency's file, checked so that it cannot end the element it is inlined into. */
function inlined(request: string, element: 'script' | 'style'): string {
  const text = readFileSync(require.resolve(request), 'utf8');
  if (new RegExp(`</${element}`, 'i').test(text)) throw new Error(`${request} holds "</${element}" and cannot be inlined`);
  return text;
}

/**
 * One self-contained page: uPlot's bundle and stylesheet (read from node_modules), the data as
 * inline JSON and the script that draws it. It loads nothing, so it opens anywhere, offline, and
 * can be kept as a CI artifact.
 */
export function renderHtmlReport(report: HtmlReport): string {
  const data = { runs: report.runs.map((r) => ({ label: r.label, mode: r.mode, text: r.text, series: columns(r.series) })) };
  // Inside <script>, "</script>" or "<!--" in a label would end or change the element: JSON allows \u003c.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const figures = report.figures
    .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}${f.note ? `<small>${escapeHtml(f.note)}</small>` : ''}</dd></div>`)
    .join('\n');
  const generatedAt = (report.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<link rel="icon" href="data:,">
<style>${inlined('uplot/dist/uPlot.min.css', 'style')}</style>
<style>${pageStyle}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">Written ${generatedAt}. Each point of a chart is one second of the run; latency percentiles are of the samples of that second.</p>
<dl class="figures">
${figures}
</dl>
${report.text ? `<details><summary>Printed summary</summary><pre>${escapeHtml(report.text)}</pre></details>` : ''}
</header>
<main id="runs"></main>
<script type="application/json" id="report-data">${json}</script>
<script>${inlined('uplot/dist/uPlot.iife.min.js', 'script')}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}

export async function writeHtmlReport(file: string, report: HtmlReport): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderHtmlReport(report));
  return file;
}

const count = (n: number) => n.toLocaleString('en-US');
const percentileNote = (l: { p50: number; p95: number }) => `p50 ${ms(l.p50)}, p95 ${ms(l.p95)}`;

/** The report of one `npm run load`. */
export function loadHtmlReport(result: LoadResult): HtmlReport {
  const run: ReportRun = { label: result.label, mode: result.mode, text: formatLoadSummary(result), series: result.series };
  const title = `Load run ${result.runId}: ${result.label}`;
  if (result.mode === 'validate') {
    return {
      title,
      runs: [run],
      figures: [
        { label: 'answered/s', value: rate(result.acceptedPerSecond), note: result.pacing },
        { label: 'answer latency p99', value: ms(result.acceptance.p99), note: percentileNote(result.acceptance) },
      ],
    };
  }
  const r = result.reconciliation;
  return {
    title,
    runs: [run],
    figures: [
      { label: 'accepted/s', value: rate(result.acceptedPerSecond), note: result.pacing },
      { label: 'processed/s', value: rate(result.processedPerSecond) },
      { label: 'acceptance p99', value: ms(result.acceptance.p99), note: percentileNote(result.acceptance) },
      { label: 'end-to-end p99', value: ms(result.endToEnd.p99), note: percentileNote(result.endToEnd) },
      { label: 'orders accepted', value: count(result.accepted), note: `${count(result.confirmed)} confirmed, ${count(result.rejected)} rejected` },
      { label: 'reconciliation', value: isClean(result) ? 'OK' : 'FAILED', note: r ? `lost ${r.lost}, duplicated ${r.duplicated}` : undefined },
    ],
  };
}
