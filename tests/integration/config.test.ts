import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { services } from '@shop/test-kit';

const start = (service: string, env: Record<string, string>) =>
  spawnSync(process.execPath, ['dist/main.js'], {
    cwd: path.resolve(__dirname, '../../services', service),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });

const identity = { JWT_ISSUER: 'https://idp.test/realms/shop', JWT_AUDIENCE: 'order-platform', ORDER_ID_SECRET: 'an-order-id-secret-of-at-least-32-chars' };

describe('configuration validated at start', () => {
  it.each(services)('when %s gets a bad environment, then it exits 78 naming every bad key, without a stack trace', (service) => {
    const result = start(service, { NODE_ENV: 'production', QUEUE_TYPE: 'lazy', RABBITMQ_URL: 'http://broker', SHUTDOWN_GRACE_MS: 'soon' });

    expect(result.status).toBe(78);
    for (const key of ['QUEUE_TYPE', 'RABBITMQ_URL', 'SHUTDOWN_GRACE_MS']) expect(result.stderr).toContain(key);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('when the gateway runs in production without its identity settings, then it refuses to start naming them', () => {
    const result = start('api-gateway', { NODE_ENV: 'production', RABBITMQ_URL: 'amqp://127.0.0.1' });

    expect(result.status).toBe(78);
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'ORDER_ID_SECRET']) expect(result.stderr).toContain(key);
  });

  it('when the gateway is given no key to verify tokens with, then it refuses to start', () => {
    const result = start('api-gateway', { NODE_ENV: 'production', RABBITMQ_URL: 'amqp://127.0.0.1', ...identity });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('"JWT_JWKS_URL" or "JWT_PUBLIC_KEY_FILE" is required');
  });

  it('when the dev-only HS256 mode is switched on in production, then the gateway refuses to start', () => {
    const result = start('api-gateway', {
      NODE_ENV: 'production',
      RABBITMQ_URL: 'amqp://127.0.0.1',
      ...identity,
      JWT_ALLOW_HS256: 'dev',
      JWT_DEV_HS256_SECRET: 'local-development-secret-not-for-production',
    });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('"JWT_ALLOW_HS256" is refused in production');
  });

  it('when the gateway is offered only symmetric algorithms, then it refuses to start', () => {
    const result = start('api-gateway', { NODE_ENV: 'production', RABBITMQ_URL: 'amqp://127.0.0.1', ...identity, JWT_JWKS_URL: 'http://idp.test/jwks', JWT_ALGORITHMS: 'HS256' });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('JWT_ALGORITHMS');
  });

  it('when batch settings contradict each other, then order-management refuses to start naming them', () => {
    const result = start('order-management', {
      NODE_ENV: 'production',
      RABBITMQ_URL: 'amqp://127.0.0.1',
      DATABASE_URL: 'postgres://orders@127.0.0.1/orders',
      BATCH_SIZE: '500',
      PREFETCH: '100',
    });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('"BATCH_SIZE" must not exceed PREFETCH');
  });

  it.each([
    ['order-management', { DATABASE_URL: 'postgres://orders@127.0.0.1/orders', FAULT_POINT: 'before-commit' }, 'FAULT_POINT'],
    ['inventory-service', { DATABASE_URL: 'postgres://inventory@127.0.0.1/inventory', FAULT_SLOW_RESERVE_MS: '2500' }, 'FAULT_SLOW_RESERVE_MS'],
  ])('when fault injection is switched on in production, then %s refuses to start', (service, env, key) => {
    const result = start(service, { NODE_ENV: 'production', RABBITMQ_URL: 'amqp://127.0.0.1', ...env });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain(`"${key}" is refused in production`);
  });

  it('when a crash point is misspelt, then order-management refuses to start naming the points it has', () => {
    const result = start('order-management', { NODE_ENV: 'test', RABBITMQ_URL: 'amqp://127.0.0.1', DATABASE_URL: 'postgres://orders@127.0.0.1/orders', FAULT_POINT: 'before-comit' });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('"FAULT_POINT" must be one of [before-commit, after-commit-before-ack, while-publishing-events]');
  });
});
