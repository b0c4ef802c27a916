/** What the application's GET /health answers. */
export interface ApiHealth {
  readonly status: string;
  readonly backend: 'sqlite' | 'postgresql';
  readonly sessions: number;
}

export type Fetch = typeof fetch;

export type HealthProbe = { readonly ok: true; readonly health: ApiHealth } | { readonly ok: false; readonly problem: string };

/**
 * Asks the api for its health once. Never throws: an unreachable api is a probe result.
 *
 * The whole request, body included, races a referenced timer. AbortSignal.timeout is not enough:
 * its timer is unreferenced, and undici can leave a request to an api restarting behind
 * docker-proxy (or a body read cut by an abort) pending for ever, so Node ran out of work and
 * exited with code 13 in the middle of a restore.
 */
export async function probeApiHealth(fetchImpl: Fetch, baseUrl: string, timeoutMs = 3000): Promise<HealthProbe> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${timeoutMs} ms`);
      deadline.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([askHealth(fetchImpl, baseUrl, deadline.signal), timeout]);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, problem: `GET /health failed (${error instanceof Error ? error.message : String(error)}${cause})` };
  } finally {
    clearTimeout(timer);
  }
}

async function askHealth(fetchImpl: Fetch, baseUrl: string, signal: AbortSignal): Promise<HealthProbe> {
  const response = await fetchImpl(new URL('/health', baseUrl), { signal });
  const body = (await response.json().catch(() => undefined)) as (Partial<ApiHealth> & { error?: string }) | undefined;
  if (response.status !== 200 || !body || !isHealth(body)) {
    return { ok: false, problem: `GET /health answered ${response.status}${body?.error ? `: ${body.error}` : ''}` };
  }
  return { ok: true, health: body };
}

function isHealth(body: Partial<ApiHealth>): body is ApiHealth {
  return body.status === 'ok' && (body.backend === 'sqlite' || body.backend === 'postgresql') && typeof body.sessions === 'number';
}
