import { execFileSync } from 'node:child_process';
import { localEnv, serviceDir, type Profile, type ServiceName, type SpawnProfile } from '../repo';

/**
 * The demo customers and products, through the services' own seed scripts (idempotent), so the
 * test databases hold the same catalogue npm start seeds for development.
 */
export function seedDemoData(profile: Profile | SpawnProfile): void {
  for (const service of ['customer-service', 'inventory-service'] as ServiceName[]) {
    execFileSync(process.execPath, ['dist/data-access/seed.js'], {
      cwd: serviceDir(service),
      env: localEnv.serviceEnv(service, { profile, extra: { LOG_LEVEL: 'warn' } }),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
