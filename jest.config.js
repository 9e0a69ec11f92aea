/** One Jest run for the whole repo; TypeScript is compiled by swc, type-checking is `tsc -b`. */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@shop/(contracts|demo-data|platform|messaging)$': '<rootDir>/libs/$1/src', '^@shop/test-kit$': '<rootDir>/tools/test-kit/src' },
  testMatch: ['<rootDir>/{libs,services,tools}/*/{src,test}/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  // tests/cluster needs the control plane of `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tests/cluster/'],
  testTimeout: 60000,
  // One file at a time: the suites share the test vhost's queues and the test databases.
  maxWorkers: 1,
};
