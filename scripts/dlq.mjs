// npm run dlq -- <list|inspect|replay|purge> ... [--profile dev|test]: the dead-letter operator tool
// (tools/ops) against the local broker of a profile (or RABBITMQ_URL when set).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';

const { values, tokens } = parseArgs({ strict: false, allowPositionals: true, tokens: true, options: { profile: { type: 'string', default: 'dev' } } });
if (!(values.profile in localEnv.infrastructure)) {
  process.stderr.write(`dlq: --profile must be one of ${Object.keys(localEnv.infrastructure).join(', ')}\n`);
  process.exit(2);
}
// Everything but --profile goes to the tool, in the order it was typed.
const withValues = [];
for (const t of tokens) {
  if (t.kind === 'option' && t.name === 'profile') continue;
  if (t.kind === 'positional') withValues.push(t.value);
  else if (t.kind === 'option') withValues.push(t.rawName, ...(t.value !== undefined ? [t.value] : []));
}
const env = { ...process.env, RABBITMQ_URL: process.env.RABBITMQ_URL ?? localEnv.serviceEnv('order-management', { profile: values.profile }).RABBITMQ_URL };
const cli = path.join(steps.root, 'tools', 'ops', 'dist', 'dlq.js');
const result = spawnSync(process.execPath, [cli, ...withValues], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
