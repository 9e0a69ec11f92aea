/**
 * What runs in the report's page: it reads the inline JSON and draws each run's four charts with
 * uPlot (inlined beside it). Plain browser JavaScript in a string, as the page gets it; the test
 * in tools/load/test opens a report in Chromium, so a mistake here fails there.
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var colors = {
    accepted: '#2563eb', decided: '#16a34a', refused: '#dc2626',
    p50: '#2563eb', p95: '#f59e0b', p99: '#dc2626',
    pending: '#64748b', queues: ['#7c3aed', '#0891b2', '#db2777', '#65a30d'],
  };
  var hasData = function (values) { return values.some(function (v) { return v !== null; }); };

  function chart(container, kind, title, unit, t, lines) {
    var shown = lines.filter(function (l) { return hasData(l.values); });
    var box = document.createElement('figure');
    box.className = 'chart';
    box.dataset.chart = kind;
    container.appendChild(box);
    if (shown.length === 0) {
      box.dataset.empty = 'true';
      box.innerHTML = '<figcaption>' + title + '</figcaption><p class="none">No data in this run.</p>';
      return;
    }
    var opts = {
      title: title,
      width: Math.max(320, box.clientWidth - 8),
      height: 240,
      // From zero: a rate between 90 and 100 should not look like a collapse.
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [{ label: 's since the start', incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600] }, { label: unit, size: 64 }],
      series: [{ label: 'second' }].concat(shown.map(function (l) {
        return { label: l.label, stroke: l.color, width: 2, points: { show: t.length < 3 } };
      })),
    };
    new uPlot(opts, [t].concat(shown.map(function (l) { return l.values; })), box);
  }

  var main = document.getElementById('runs');
  data.runs.forEach(function (run, index) {
    var section = document.createElement('section');
    section.className = 'run';
    section.dataset.run = String(index);
    var heading = document.createElement('h2');
    heading.textContent = run.label;
    section.appendChild(heading);
    var summary = document.createElement('pre');
    summary.textContent = run.text;
    section.appendChild(summary);
    var grid = document.createElement('div');
    grid.className = 'grid';
    section.appendChild(grid);
    main.appendChild(section);

    var s = run.series;
    var validate = run.mode === 'validate';
    var throughput = [{ label: validate ? 'answered/s' : 'accepted/s', values: s.accepted, color: colors.accepted }];
    if (!validate) throughput.push({ label: 'decided/s', values: s.decided, color: colors.decided });
    if (s.refused.some(function (v) { return v > 0; })) throughput.push({ label: 'refused/s', values: s.refused, color: colors.refused });
    var percentiles = function (p) {
      return ['p50', 'p95', 'p99'].map(function (q) { return { label: q, values: p[q], color: colors[q] }; });
    };
    var depth = Object.keys(s.queues).map(function (name, i) {
      return { label: name + ' (messages ready)', values: s.queues[name], color: colors.queues[i % colors.queues.length] };
    });
    if (s.pending) depth.push({ label: 'orders accepted, not decided', values: s.pending, color: colors.pending });

    chart(grid, 'throughput', 'Throughput', 'per second', s.t, throughput);
    chart(grid, 'acceptance', (validate ? 'Answer' : 'Acceptance') + ' latency, per second', 'ms', s.t, percentiles(s.acceptance));
    chart(grid, 'end-to-end', 'End-to-end latency (202 to decision), per second', 'ms', s.t, validate ? [] : percentiles(s.endToEnd));
    chart(grid, 'queue-depth', 'Queue depth', 'count', s.t, depth);
  });
  document.body.dataset.rendered = 'true';
})();
`;

export const pageStyle = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1e293b; margin: 24px; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-top: 1px solid #e2e8f0; padding-top: 16px; }
.meta { color: #64748b; margin: 0 0 16px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; }
.figures div { border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.figures dt { color: #64748b; font-size: 12px; }
.figures dd { margin: 0; font-size: 20px; font-weight: 600; }
.figures dd small { display: block; font-size: 12px; font-weight: 400; color: #64748b; }
pre { background: #f8fafc; border: 1px solid #e2e8f0; padding: 8px; overflow-x: auto; font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
.chart { margin: 0; min-width: 0; }
.chart .u-title, .chart figcaption { font-size: 14px; font-weight: bold; text-align: center; }
.chart .none { text-align: center; }
.chart .u-legend { font-size: 12px; }
.none { color: #64748b; }
`;
