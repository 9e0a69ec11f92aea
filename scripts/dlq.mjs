// npm run dlq -- <list|inspect|replay|purge> ... [--profile test]: the dead-letter operator tool
// against the local broker (or RABBITMQ_URL when set).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';
import localEnv from './lib/local-env.js';

const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const profile = profileAt >= 0 ? args.splice(profileAt, 2)[1] : 'dev';
const env = { ...process.env, RABBITMQ_URL: localEnv.serviceEnv('order-management', { profile }).RABBITMQ_URL };
const cli = path.join(steps.root, 'libs', 'messaging', 'dist', 'cli', 'dlq.js');
const result = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
