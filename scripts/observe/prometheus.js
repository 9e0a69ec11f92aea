// Runs Debian's Prometheus (scripts/observe/prometheus.sh) against a platform on this machine, with
// the configuration of prometheus-config.js and the chart's alert rules, in a folder of its own that
// is removed when it stops. Used by `npm run observe` and the dashboards' test.
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { prometheusConfig, NAMESPACE, RELEASE } = require('./prometheus-config');

const root = path.resolve(__dirname, '..', '..');

const prometheusBinary = () => execFileSync('bash', [path.join(__dirname, 'prometheus.sh')], { encoding: 'utf8' }).trim();

/** The classic web UI's folder, or undefined (with a warning) when its packages cannot be had. */
function webAssets() {
  try {
    return execFileSync('bash', [path.join(__dirname, 'prometheus.sh'), 'web'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    process.stderr.write('prometheus: no web UI (its Debian packages could not be unpacked); the HTTP API works without it\n');
    return undefined;
  }
}

/** The chart's PrometheusRule, rendered by helm for the namespace the local labels name, as a rule file's groups. */
function alertRuleGroups({ namespace = NAMESPACE, release = RELEASE } = {}) {
  const { parse } = require('yaml');
  const helm = execFileSync('bash', [path.join(root, 'scripts', 'k8s', 'helm.sh')], { encoding: 'utf8' }).trim();
  const rendered = execFileSync(
    helm,
    ['template', release, path.join(root, 'charts', 'order-platform'), '--namespace', namespace, '--show-only', 'templates/prometheusrule.yaml'],
    { encoding: 'utf8' },
  );
  return parse(rendered).spec.groups;
}

/**
 * Starts Prometheus on 127.0.0.1:port and resolves once it is ready.
 * options: services, rabbitmq, scrapeInterval (see prometheusConfig), port, ui (serve the classic
 * web UI; the HTTP API is there either way) and log (a file path; default: prometheus.log in its
 * folder, removed with it by stop()).
 */
async function startPrometheus({ port, services, rabbitmq, scrapeInterval, ui = false, log }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-'));
  const rules = path.join(dir, 'alert-rules.yaml');
  writeFileSync(rules, JSON.stringify({ groups: alertRuleGroups() }, null, 2));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, JSON.stringify(prometheusConfig({ services, rabbitmq, scrapeInterval, ruleFiles: [rules] }), null, 2));
  const logFile = log ?? path.join(dir, 'prometheus.log');
  const output = openSync(logFile, 'a');
  const url = `http://127.0.0.1:${port}`;
  const assets = ui ? webAssets() : undefined;
  const child = spawn(
    prometheusBinary(),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Exemplars (the trace id beside a bucket of order_end_to_end_seconds) are kept only with it.
      '--enable-feature=exemplar-storage',
      // Debian's paths for these do not exist in an unpacked package.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
      ...(assets ? [`--web.local-assets=${assets}`] : []),
    ],
    { stdio: ['ignore', output, output] },
  );
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      await stop();
      throw new Error(`prometheus exited while starting (${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    // Ready, and ours: another Prometheus on the port would answer too, with its own config file.
    const flags = await fetch(`${url}/api/v1/status/flags`).then((r) => (r.ok ? r.json() : undefined), () => undefined);
    if (flags?.data?.['config.file'] === config && (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready on ${url} after 60 s, see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, dir, pid: child.pid, stop };
}

module.exports = { startPrometheus, alertRuleGroups, prometheusBinary };
