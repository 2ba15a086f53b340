import { RtlabError } from '@rtlab/sdk';
import { ProgressReporter } from '../../progress/progress-reporter';
import { EXIT } from '../exit-codes';

/**
 * Ctrl-C aborts the running nodes (finished ones stay cached); a second Ctrl-C quits at once. Returns
 * the signal to run under and the function that stops listening.
 */
export function onInterrupt(reporter: ProgressReporter): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    reporter.info('interrupted: stopping running nodes (press Ctrl-C again to quit at once)');
    controller.abort(new RtlabError('aborted', 'interrupted'));
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, stop: () => process.removeListener('SIGINT', onSigint) };
}
