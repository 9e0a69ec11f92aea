// Set-up steps shared by npm start and npm test. Only Node built-ins: this runs before npm install.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { services, databases, serviceEnv, infraEnv } = require('./local-env');

const root = path.resolve(__dirname, '..', '..');
const say = (message) => process.stderr.write(`\u001b[36m▸ ${message}\u001b[0m\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
  }
}

/** npm ci when node_modules is missing or older than the lock file. */
function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  say('installing dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

function build() {
  say('building (tsc -b)');
  run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b']);
}

const infra = (profile, action, options = {}) =>
  spawnSync('bash', [path.join(root, 'scripts', 'infra.sh'), profile, action], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...infraEnv(profile) },
    ...options,
  }).status;

function ensureInfrastructure(profile) {
  say(`checking RabbitMQ and PostgreSQL (${profile} profile)`);
  if (infra(profile, 'up') !== 0) throw new Error(`scripts/infra.sh ${profile} up failed`);
}

/**
 * Runs `body` with the profile's broker and database up. What this call started it stops again
 * afterwards (KEEP_INFRA=1 keeps it), so a test run leaves the machine as it found it.
 */
function withInfrastructure(profile, body) {
  const wasUp = infra(profile, 'status', { stdio: 'ignore' }) === 0;
  try {
    return body();
  } finally {
    if (!wasUp && !process.env.KEEP_INFRA) infra(profile, 'down');
  }
}

const serviceDir = (service) => path.join(root, 'services', service);

function migrate(profile) {
  say(`migrating ${profile} databases`);
  for (const service of Object.keys(databases)) {
    run(process.execPath, ['dist/data-access/migrate.js'], { cwd: serviceDir(service), env: serviceEnv(service, { profile }) });
  }
}

function seed(profile) {
  say('seeding demo data');
  for (const service of ['customer-service', 'inventory-service']) {
    run(process.execPath, ['dist/data-access/seed.js'], { cwd: serviceDir(service), env: serviceEnv(service, { profile }) });
  }
}

function prepare({ profile, withSeed }) {
  ensureDependencies();
  build();
  ensureInfrastructure(profile);
  migrate(profile);
  if (withSeed) seed(profile);
}

module.exports = { root, say, run, services, serviceDir, prepare, withInfrastructure, ensureInfrastructure, ensureDependencies, build, migrate, seed };
