/**
 * Settles like `work`, unless `ms` pass first: then rejects with what `onTimeout` builds (it may
 * look around first, e.g. ask whether a container is paused). `work` is not cancelled; callers
 * that hold a stream or a socket end it themselves.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error | Promise<Error>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      Promise.resolve().then(onTimeout).then(reject, reject);
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    // The loser of the race must not surface later as an unhandled rejection.
    work.catch(() => undefined);
    expired.catch(() => undefined);
  }
}
