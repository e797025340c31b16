/** The CLI's HTTP client: the API's problem+json errors become one readable line. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionView {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  image: string;
  resources: { cpu: number; memoryMiB: number };
  ssh: { host: string; port: number | null; user: string };
  owner: { name: string };
  createdAt: string;
}

export class BerthClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.apiKey}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) {
      const text = await res.text();
      let message = `${res.status} ${res.statusText}`;
      try {
        const problem = JSON.parse(text) as {
          title?: string;
          detail?: string;
          errors?: { field: string; detail: string }[];
        };
        message = [
          problem.detail ?? problem.title,
          ...(problem.errors ?? []).map((e) => `  ${e.field}: ${e.detail}`),
        ]
          .filter(Boolean)
          .join('\n');
      } catch {
        // not problem+json: keep the status line
      }
      throw new ApiError(res.status, message);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
