// npm run seed [-- --profile test]: the demo customers and products (idempotent).
import steps from './lib/steps.js';

const args = process.argv.slice(2);
const profile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : 'dev';
steps.seed(profile);
