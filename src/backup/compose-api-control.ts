import type { ComposeStack } from '../docker/compose-stack.ts';
import type { ApiControl } from './restore-run.ts';

/** The api service of a compose stack, as a restore stops and starts it. */
export function composeApiControl(stack: ComposeStack): ApiControl {
  return {
    isRunning: async () => (await stack.find('api'))?.state === 'running',
    stop: () => stack.stop(['api']),
    start: () => stack.start(['api']),
    waitHealthy: async () => (await stack.waitForApi()).health,
  };
}
