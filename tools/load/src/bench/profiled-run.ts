import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readProfile, type ProfileSummary } from '../profile/cpu-profile';
import type { ServiceName } from '../repo';
import type { SpawnedPlatform } from '../target/spawned-platform';

export const profiledServices: ServiceName[] = ['api-gateway', 'order-management'];

/**
 * Runs `work` with the gateway and order-management under V8's sampling profiler, then restarts
 * them without it: a profile is written when its process exits. Only the samples taken while
 * `work` ran are summarized, so start-up (module loading) does not crowd the list.
 */
export async function withCpuProfiles<T>(
  platform: SpawnedPlatform,
  outDir: string,
  nodeOptions: string | undefined,
  work: () => Promise<T>,
): Promise<{ result: T; profiles: ProfileSummary[] }> {
  const dirs = new Map(profiledServices.map((s) => [s, path.join(outDir, `profile-${s}`)]));
  const env: Record<string, string> = nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
  for (const [service, dir] of dirs) {
    await mkdir(dir, { recursive: true });
    // Arguments rather than NODE_OPTIONS: Node refuses --cpu-prof there.
    await platform.restart(service, env, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  }
  let result: T;
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  const window = { fromUs: micros(), toUs: 0 };
  try {
    result = await work();
    window.toUs = micros();
  } finally {
    for (const service of profiledServices) await platform.restart(service, env);
  }
  const profiles: ProfileSummary[] = [];
  for (const dir of dirs.values()) {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
    if (files.length > 0) profiles.push(await readProfile(path.join(dir, files[files.length - 1]), 15, window));
  }
  return { result, profiles };
}
