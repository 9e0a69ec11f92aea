/** npm run test:isolation: the whole `npm test` beside a running `npm start` (see tests/isolation). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/isolation/**/*.isolation.ts'], testTimeout: 30 * 60_000 };
