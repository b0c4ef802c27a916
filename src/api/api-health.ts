/** What the application's GET /health answers. */
export interface ApiHealth {
  readonly status: string;
  readonly backend: 'sqlite' | 'postgresql';
  readonly sessions: number;
}

export type Fetch = typeof fetch;

export type HealthProbe = { readonly ok: true; readonly health: ApiHealth } | { readonly ok: false; readonly problem: string };

/** Asks the api for its health once. Never throws: an unreachable api is a probe result. */
export async function probeApiHealth(fetchImpl: Fetch, baseUrl: string, timeoutMs = 3000): Promise<HealthProbe> {
  try {
    const response = await fetchImpl(new URL('/health', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as Partial<ApiHealth> & { error?: string } | undefined;
    if (response.status !== 200 || !body || !isHealth(body)) {
      return { ok: false, problem: `GET /health answered ${response.status}${body?.error ? `: ${body.error}` : ''}` };
    }
    return { ok: true, health: body };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, problem: `GET /health failed (${error instanceof Error ? error.message : String(error)}${cause})` };
  }
}

function isHealth(body: Partial<ApiHealth>): body is ApiHealth {
  return body.status === 'ok' && (body.backend === 'sqlite' || body.backend === 'postgresql') && typeof body.sessions === 'number';
}
