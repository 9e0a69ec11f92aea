/** npm run test:cluster: the chart on a real control plane (scripts/cluster), one file at a time. */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'], testTimeout: 600000 };
