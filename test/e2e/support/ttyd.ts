/** A ttyd-protocol client over a real WebSocket: what ttyd's own web client speaks. */
import WebSocket from 'ws';

export class TtydClient {
  private output = '';
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text[0] === '0') this.output += text.slice(1);
    });
  }

  static async connect(url: string, cookie: string): Promise<TtydClient> {
    const ws = new WebSocket(url, ['tty'], { headers: { Cookie: cookie } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    ws.send(JSON.stringify({ AuthToken: '', columns: 120, rows: 40 }));
    return new TtydClient(ws);
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  type(text: string): void {
    this.ws.send(Buffer.from(`0${text}`));
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output))
        return this.output;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`terminal never showed ${pattern}; it showed:\n${this.output.slice(-2000)}`);
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves with the HTTP status a refused WebSocket upgrade got. */
export async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['tty'], { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}
