/** Process exit codes, documented in the README. Stable: scripts depend on them. */
export const ExitCode = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  docker: 4,
  readiness: 5,
  command: 6,
  input: 7,
  verification: 8,
  locked: 9,
  refused: 10,
  /** PostgreSQL went away or failed under a step (connection lost, disk full, terminated). */
  serverLost: 11,
  interrupted: 130,
} as const);

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
