import type { ApiHealth } from './api-health.ts';
import type { StackControl } from './stack-control.ts';

/** The application in front of the database, as a run stops it and starts it again. */
export interface ApiControl {
  isRunning(): Promise<boolean>;
  stop(): Promise<void>;
  start(): Promise<void>;
  waitHealthy(): Promise<ApiHealth>;
}

/** The api service of a stack as an ApiControl. */
export function stackApiControl(stack: StackControl): ApiControl {
  return {
    isRunning: () => stack.isRunning('api'),
    stop: () => stack.stop(['api']),
    start: () => stack.start(['api']),
    waitHealthy: async () => (await stack.waitForApi()).health,
  };
}
