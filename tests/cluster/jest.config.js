/** The cluster tests (scripts/cluster/pods.sh): they need a control plane and a real node, so `npm test` skips them. */
const base = require('../../jest.config');

module.exports = { ...base, rootDir: '../..', testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'], testTimeout: 120000 };
