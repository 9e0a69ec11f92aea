// The same per-service environment npm start and npm test use, in the test profile.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localEnv = require('../../scripts/lib/local-env.js') as {
  services: string[];
  serviceEnv: (service: string, options?: { profile?: string; ports?: Record<string, number>; extra?: Record<string, string> }) => Record<string, string>;
  DEV_JWT_SECRET: string;
};

export const services = localEnv.services;
export const testEnv = (service: string, options: { ports?: Record<string, number>; extra?: Record<string, string> } = {}) =>
  localEnv.serviceEnv(service, { profile: 'test', ...options });
export const JWT_SECRET = localEnv.DEV_JWT_SECRET;
export const BROKER_URL = testEnv('api-gateway').RABBITMQ_URL;
