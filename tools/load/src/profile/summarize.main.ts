import { formatProfile, readProfile } from './cpu-profile';

// npm run -w @shop/load-tools profile -- <file.cpuprofile>... [--top N]
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 20;
  if (args.length === 0) throw new Error('name one or more .cpuprofile files');
  for (const file of args) process.stdout.write(`${formatProfile(await readProfile(file, top))}\n\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
