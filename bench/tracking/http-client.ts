import { Client } from 'undici';

/**
 * A keep-alive JSON client on one connection (undici, the HTTP client inside Node's fetch), so
 * the benchmark measures the server rather than the client.
 */
export class KeepAliveClient {
  private readonly client: Client;
  constructor(base: URL) {
    this.client = new Client(base.origin, { pipelining: 1 });
  }

  /** Sends one request (a string body is sent as it is) and reads the whole answer. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const res = await this.client.request({
      method: method as 'GET' | 'POST',
      path,
      ...(body === undefined
        ? {}
        : {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }),
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status !== 200)
      throw new Error(`${method} ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
