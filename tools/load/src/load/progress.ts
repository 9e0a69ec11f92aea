import { SingleBar } from 'cli-progress';
import type { LoadCounters } from './load-counters';

export type ProgressMode = 'bar' | 'lines' | 'none';

/**
 * A live view on stderr (stdout stays clean for --json): a bar on a terminal, a line every five
 * seconds in logs and CI. Rates are over the last second.
 */
export function showProgress(
  counters: LoadCounters,
  total: number,
  mode: ProgressMode,
  { pending, done }: { pending: () => number; done: () => number },
): () => void {
  if (mode === 'none') return () => undefined;
  let previous = { at: Date.now(), accepted: 0, terminal: 0 };
  const payload = () => {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - previous.at) / 1000);
    const rates = { acceptedRate: (counters.accepted - previous.accepted) / seconds, processedRate: (counters.terminal - previous.terminal) / seconds };
    previous = { at: now, accepted: counters.accepted, terminal: counters.terminal };
    return {
      sent: counters.sent,
      accepted: counters.accepted,
      confirmed: counters.confirmed,
      rejected: counters.rejected,
      failed: counters.failed,
      pending: pending(),
      acceptedRate: rates.acceptedRate.toFixed(0),
      processedRate: rates.processedRate.toFixed(0),
    };
  };

  if (mode === 'lines') {
    const timer = setInterval(() => {
      const p = payload();
      process.stderr.write(
        `  sent ${p.sent}  accepted ${p.accepted} (${p.acceptedRate}/s)  confirmed ${p.confirmed}  rejected ${p.rejected}  failed ${p.failed}  pending ${p.pending}  processed ${p.processedRate}/s\n`,
      );
    }, 5000).unref();
    return () => clearInterval(timer);
  }

  const bar = new SingleBar({
    stream: process.stderr,
    format:
      '  {bar} {percentage}% | sent {sent} | accepted {accepted} {acceptedRate}/s | confirmed {confirmed} | rejected {rejected} | failed {failed} | pending {pending} | processed {processedRate}/s',
    barsize: 24,
    hideCursor: true,
  });
  bar.start(total, 0, payload());
  // Updated once a second so the per-second rates mean what they say.
  const timer = setInterval(() => bar.update(done(), payload()), 1000).unref();
  return () => {
    clearInterval(timer);
    bar.update(done(), payload());
    bar.stop();
  };
}
