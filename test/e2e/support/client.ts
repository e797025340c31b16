/** A small API client for the tests, speaking to a real server over HTTP. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Session {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  ssh: { host: string; port: number | null; user: string };
}

export class Api {
  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  }

  async json<T>(method: string, path: string, body?: unknown, expected?: number): Promise<T> {
    const res = await this.call(method, path, body);
    const text = await res.text();
    if (expected !== undefined && res.status !== expected) {
      throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async createUser(name: string): Promise<Api> {
    const { apiKey } = await this.json<{ apiKey: string }>('POST', '/v1/users', { name }, 201);
    return new Api(this.url, apiKey);
  }

  createSession(name: string, extra: Record<string, unknown> = {}): Promise<Session> {
    return this.json<Session>('POST', '/v1/sessions', { name, ...extra }, 202);
  }

  getSession(ref: string): Promise<Session> {
    return this.json<Session>('GET', `/v1/sessions/${ref}`, undefined, 200);
  }

  async waitFor(ref: string, status: string, timeoutMs = 180_000): Promise<Session> {
    const deadline = Date.now() + timeoutMs;
    let last: Session | undefined;
    while (Date.now() < deadline) {
      last = await this.getSession(ref);
      if (last.status === status) return last;
      if (last.status === 'FAILED' && status !== 'FAILED') {
        throw new Error(`session ${ref} FAILED: ${last.statusReason}`);
      }
      await sleep(500);
    }
    throw new Error(`session ${ref} is ${last?.status}, not ${status}, after ${timeoutMs} ms`);
  }

  async sshKey(ref: string, format: 'openssh' | 'ppk' = 'openssh'): Promise<string> {
    const res = await this.call('GET', `/v1/sessions/${ref}/ssh-key?format=${format}`);
    if (res.status !== 200) throw new Error(`ssh-key: ${res.status}`);
    return res.text();
  }

  async appUrl(ref: string, app: 'jupyter' | 'ttyd'): Promise<string> {
    const { url } = await this.json<{ url: string }>(
      'POST',
      `/v1/sessions/${ref}/apps/${app}`,
      undefined,
      200,
    );
    return url;
  }
}

/** Opens a launch URL like a browser: follows nothing, returns the cookie the agent set. */
export async function exchangeLaunchUrl(
  url: string,
): Promise<{ status: number; cookie?: string; location?: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  const location = res.headers.get('location') ?? undefined;
  return {
    status: res.status,
    ...(setCookie ? { cookie: setCookie.split(';')[0] } : {}),
    ...(location ? { location } : {}),
  };
}
