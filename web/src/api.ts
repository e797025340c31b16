/** The API client: same origin, `Authorization: Bearer <key>`, problem+json errors as ApiError. */
import type { Problem, SessionView, User } from './types.ts';

const KEY_STORAGE = 'berth.apiKey';

export function storedKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) localStorage.removeItem(KEY_STORAGE);
  else localStorage.setItem(KEY_STORAGE, key);
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

async function toProblem(res: Response): Promise<Problem> {
  const fallback: Problem = { type: 'about:blank', title: res.statusText, status: res.status, detail: '' };
  try {
    const body = (await res.json()) as Partial<Problem>;
    return { ...fallback, ...body, detail: body.detail ?? body.title ?? `HTTP ${res.status}` };
  } catch {
    return { ...fallback, detail: `The server answered HTTP ${res.status}.` };
  }
}

export class Api {
  /** called on any 401, so the console can ask for a key again */
  onUnauthorized: (problem: Problem) => void = () => undefined;

  constructor(readonly key: string) {}

  async raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError({
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: 'Berth could not be reached. Check your connection and try again.',
      });
    }
    if (!res.ok) {
      const problem = await toProblem(res);
      if (res.status === 401) this.onUnauthorized(problem);
      throw new ApiError(problem);
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.raw(method, path, body)).json()) as T;
  }

  me(): Promise<User> {
    return this.json('GET', '/v1/me');
  }

  updateSettings(patch: { preferredSshPort: number | null }): Promise<User> {
    return this.json('PATCH', '/v1/me/settings', patch);
  }

  async sessions(all = false): Promise<SessionView[]> {
    const { sessions } = await this.json<{ sessions: SessionView[] }>(
      'GET',
      `/v1/sessions${all ? '?all=true' : ''}`,
    );
    return sessions;
  }

  createSession(body: {
    name: string;
    image?: string;
    resources?: { cpu?: number; memoryMiB?: number };
  }): Promise<SessionView> {
    return this.json('POST', '/v1/sessions', body);
  }

  action(id: string, action: 'stop' | 'start'): Promise<SessionView> {
    return this.json('POST', `/v1/sessions/${encodeURIComponent(id)}/${action}`);
  }

  async deleteSession(id: string): Promise<void> {
    await this.raw('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  openApp(id: string, app: string): Promise<{ url: string; expiresAt: string }> {
    return this.json('POST', `/v1/sessions/${encodeURIComponent(id)}/apps/${encodeURIComponent(app)}`);
  }

  async sshKey(id: string, format: 'openssh' | 'ppk'): Promise<Blob> {
    return (await this.raw('GET', `/v1/sessions/${encodeURIComponent(id)}/ssh-key?format=${format}`)).blob();
  }

  async users(): Promise<User[]> {
    return (await this.json<{ users: User[] }>('GET', '/v1/users')).users;
  }

  createUser(body: { name: string; role: 'user' | 'admin' }): Promise<{ user: User; apiKey: string }> {
    return this.json('POST', '/v1/users', body);
  }

  async deleteUser(id: string): Promise<void> {
    await this.raw('DELETE', `/v1/users/${encodeURIComponent(id)}`);
  }
}
