/** npm run test:fuzz: the long schemathesis run (see tests/fuzz). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/fuzz/**/*.fuzz.ts'], testTimeout: 3_600_000 };
