/** npm run test:chaos: the random fault schedule (see tests/faults/chaos.ts). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/tests/faults/**/*.chaos.ts'] };
