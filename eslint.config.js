// Lint: TypeScript rules plus the repo's boundaries (services never import each other; only
// config entry points read process.env).
const tseslint = require('typescript-eslint');

const services = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'reports/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...services.map((service) => ({
    files: [`services/${service}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/services/**', '../../../*'], message: 'Services never import another service; share through libs/.' },
            ...services.filter((s) => s !== service).map((s) => ({ group: [`@shop/${s}`, `**/${s}/**`], message: 'Services never import another service.' })),
          ],
        },
      ],
    },
  })),
  {
    files: ['services/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['libs/*/src/cli/**', 'services/*/src/main.ts', 'services/*/src/data-access/migrate.ts', 'services/*/src/data-access/seed.ts', 'services/*/src/tools/**', 'libs/platform/src/tracing/preload.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in config.ts, passed in from main.ts.' }],
    },
  },
);
