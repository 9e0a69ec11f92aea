/** npm run test:faults: every fault scenario at full size (see tests/faults). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/faults/**/*.faults.ts'], testTimeout: 300000 };
