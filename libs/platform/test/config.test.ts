import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadServiceConfig } from '../src/config';

const dist = path.resolve(__dirname, '../dist/index.js');

describe('service configuration', () => {
  it('when several keys are bad, then one ConfigError names every one of them', () => {
    let error: unknown;
    try {
      loadServiceConfig({ NODE_ENV: 'production', QUEUE_TYPE: 'lazy', RABBITMQ_URL: 'http://broker', SHUTDOWN_GRACE_MS: 'soon' }, {}, (raw) => raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['QUEUE_TYPE', 'RABBITMQ_URL', 'SHUTDOWN_GRACE_MS']) expect(problems).toContain(key);
  });

  it('when the keys are good, then defaults fill the rest and strings become numbers', () => {
    const settings = loadServiceConfig({ NODE_ENV: 'test', RABBITMQ_URL: 'amqp://127.0.0.1', SHUTDOWN_GRACE_MS: '2500' }, {}, (raw) => raw);
    expect(settings).toMatchObject({ SHUTDOWN_GRACE_MS: 2500, QUEUE_TYPE: expect.any(String) });
  });

  it('when configOrExit meets a bad configuration, then the process exits 78 with the problems and no stack trace', () => {
    const script = `
      const { configOrExit, loadServiceConfig } = require(${JSON.stringify(dist)});
      configOrExit(() => loadServiceConfig({ NODE_ENV: 'production', QUEUE_TYPE: 'lazy' }, {}, (raw) => raw));
      console.log('started');`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('QUEUE_TYPE');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain('started');
  });
});
