import { parseArgs } from 'node:util';
import { formatProfile, readProfile } from './cpu-profile';

// npm run -w @shop/load-tools profile -- <file.cpuprofile>... [--top N]
async function main(): Promise<void> {
  const { values, positionals: files } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error('--top must be a positive integer');
  if (files.length === 0) throw new Error('name one or more .cpuprofile files');
  for (const file of files) process.stdout.write(`${formatProfile(await readProfile(file, top))}\n\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
