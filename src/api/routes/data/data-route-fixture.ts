// What the dataset route tests share: headers, uploads, reads and a read-only user, all through
// `app.inject()`. For tests only.
import assert from 'node:assert/strict';
import type { TestApp } from '../../testing.js';

/** The authorization header of `token`. */
export const bearer = (token: string | null) => ({ authorization: `Bearer ${token}` });

/** A status and a body: parsed when JSON, else the text. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the fields they assert on
  body: any;
}

/** The calls of the dataset route tests, as the bootstrap admin unless `headers` name someone else. */
export interface DataRouteFixture {
  /** The admin's authorization header. */
  admin: Record<string, string>;
  /** POSTs `body` as a CSV file to `/api/v1/datasets/{name}/versions{query}` (`query` starts with `?`). */
  upload(
    name: string,
    body: string | Buffer,
    query?: string,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** `upload` that must make a new version: asserts 201. */
  ingest(name: string, body: string | Buffer, query?: string): Promise<Answer>;
  /** GETs `url`; `res` is the whole response (headers, raw body). */
  get(
    url: string,
    headers?: Record<string, string>,
  ): Promise<Answer & { res: Awaited<ReturnType<TestApp['app']['inject']>> }>;
  /** Creates the user `vera` with the viewer role and a token; answers her authorization header. */
  viewer(): Promise<Record<string, string>>;
}

/** The calls of the dataset route tests against `t`. */
export function dataRouteFixture(t: TestApp): DataRouteFixture {
  const admin = bearer(t.adminToken);
  const answer = (res: Awaited<ReturnType<TestApp['app']['inject']>>) => ({
    status: res.statusCode,
    body: String(res.headers['content-type']).includes('json') ? res.json() : res.body,
    res,
  });
  const upload: DataRouteFixture['upload'] = async (name, body, query = '', headers = admin) =>
    answer(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/datasets/${name}/versions${query}`,
        payload: body,
        headers: { ...headers, 'content-type': 'text/csv' },
      }),
    );
  return {
    admin,
    upload,
    async ingest(name, body, query) {
      const res = await upload(name, body, query);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res;
    },
    async get(url, headers = admin) {
      return answer(await t.app.inject({ method: 'GET', url, headers }));
    },
    async viewer() {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: { name: 'vera', role: 'viewer' },
        headers: admin,
      });
      const tok = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'v', user: 'vera' },
        headers: admin,
      });
      return bearer(tok.json().secret);
    },
  };
}
