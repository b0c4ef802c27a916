// @ts-check

/** The database could not answer: the API reports 503 with `message`, which never holds secrets. */
export class DatabaseUnavailableError extends Error {
  /**
   * @param {string} message
   * @param {ErrorOptions} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * A short one-line message from any driver error, with every secret replaced.
 * Node's AggregateError (IPv4 and IPv6 both refused) has an empty message, so its parts are used.
 * @param {unknown} error
 * @param {readonly string[]} secrets
 */
export function safeErrorMessage(error, secrets) {
  let message = messageOf(error);
  // Longest first, so a URL is hidden whole before the password inside it.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) message = message.split(secret).join('***');
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 297)}...` : message || 'unknown database error';
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function messageOf(error) {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(messageOf))].join('; ');
  }
  const code = /** @type {{ code?: unknown }} */ (error).code;
  return typeof code === 'string' ? code : error.name;
}
