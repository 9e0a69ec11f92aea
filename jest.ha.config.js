/** npm run test:ha: the fault scenarios of the HA topology (tests/ha; scripts/ha/test.mjs starts it). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/ha/**/*.ha.ts'], testTimeout: 600000 };
