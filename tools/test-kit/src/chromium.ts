import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; scripts/chromium.sh installs it when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '..', '..', '..');

/** Chromium, installed by scripts/chromium.sh when it is missing (Debian's package, as root). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  try {
    execFileSync('bash', [path.join(root, 'scripts', 'chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (err) {
    throw new Error(
      `This test needs headless Chromium at ${CHROMIUM}, and scripts/chromium.sh could not install it (${(err as Error).message}). ` +
        `Install Debian's package as root: apt-get update && apt-get install -y chromium`,
    );
  }
}

export interface HeadlessChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile and the flags this machine's closed network needs (no
 * background networking, no component updates, no sync).
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<HeadlessChromium> {
  ensureChromium();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
