/**
 * Open-loop, fixed-rate HTTP load generator of bench/serve (wrk from Debian cannot hold a rate,
 * and wrk2 is not packaged). It POSTs the request bodies of a file (one JSON body per line,
 * cycled) at `--rate` requests/s over plain keep-alive sockets and measures each
 * latency from the request's *intended* send time, `start + k / rate`, not from when it went out:
 * when the server falls behind, the requests queued behind the busy connections count their
 * wait, as a real caller's would (no coordinated omission, as in wrk2 and HdrHistogram). The
 * scheduler wakes every millisecond and sends the requests that are due, so up to ~1 ms of the
 * generator's own lag is counted against the server (a conservative bias). The service time
 * (from the actual send) is reported beside it.
 *
 * The first `--warmup` seconds are sent but not counted. Requests still unanswered `--drain`
 * seconds after the last send count as unfinished, with their latency so far (a lower bound).
 * Prints one line `FIXED_JSON {...}` (milliseconds; see {@link FixedRateResult}).
 *
 *   npx tsx bench/serve/fixed-rate.ts --url http://127.0.0.1:P/predict --bodies FILE
 *     [--rate 5000] [--duration 15] [--warmup 2] [--connections 64] [--drain 10] [--token T]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';

/** What `fixed-rate.ts` prints after `FIXED_JSON `: latencies in milliseconds. */
export interface FixedRateResult {
  /** The rate asked for, requests/s. */
  rate: number;
  /** Requests counted (sent after the warm-up). */
  counted: number;
  /** Of those, answered 200. */
  ok: number;
  /** Answered with another status, or failed at the connection. */
  errors: number;
  /** Not answered before the drain deadline. */
  unfinished: number;
  /** Counted responses per second of the measured window (first counted send to last answer). */
  achieved: number;
  /** Latency from the intended send time: p50, p90, p99, p99.9, max. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** Latency from the actual send (the server and network only): p50, p99. */
  serviceP50: number;
  serviceP99: number;
  /**
   * Median latency of the first and of the last quarter of the counted requests (by send time):
   * a last quarter much slower than the first means a backlog growing during the run.
   */
  p50FirstQuarter: number;
  p50LastQuarter: number;
  /** How late the generator sent, p99 (its own lag, counted in the latency above). */
  sendLagP99: number;
  /** A few error messages or statuses, for the report. */
  errorSamples: string[];
}

function arg(name: string, fallback?: string): string {
  const at = process.argv.indexOf(name);
  if (at > 0 && process.argv[at + 1] !== undefined) return process.argv[at + 1]!;
  if (fallback === undefined) throw new Error(`fixed-rate: ${name} is required`);
  return fallback;
}

function num(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`fixed-rate: ${name} must be a positive number`);
  return v;
}

/** The q-quantile of an ascending array (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

const url = new URL(arg('--url'));
const bodies = readFileSync(arg('--bodies'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
if (bodies.length === 0) throw new Error('fixed-rate: the bodies file has no lines');
const rate = num('--rate', 5000);
const duration = num('--duration', 15);
const warmup = Number(arg('--warmup', '2'));
const connections = num('--connections', 64);
const drain = num('--drain', 10);
const token = arg('--token', '');

/**
 * Requests go over plain keep-alive sockets, one request in flight per connection, each request
 * prebuilt as bytes: the generator shares the machine's cores with the server, so it must cost as
 * little as it can per request (a general HTTP client such as undici costs ~50-75 µs of CPU a
 * request here; this one a fraction of that, mostly the kernel's send and receive). Responses are
 * read by their Content-Length (the servers measured answer with one; chunked answers count as
 * errors).
 */
const requests = bodies.map((body) => {
  const bytes = Buffer.from(body, 'utf8');
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    'Content-Type: application/json\r\n' +
    (token ? `Authorization: Bearer ${token}\r\n` : '') +
    `Content-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
});
const total = Math.round(rate * (warmup + duration));
const first = Math.round(rate * warmup);
const interval = 1000 / rate;
const latency = new Float64Array(total).fill(Number.NaN);
const service = new Float64Array(total).fill(Number.NaN);
const sentAt = new Float64Array(total);
const lag = new Float64Array(total);
const failed = new Uint8Array(total);
const errorSamples: string[] = [];
let sent = 0;
let answered = 0;
let lastEnd = 0;
let allAnswered: () => void = () => {};
const finished = new Promise<void>((resolve) => {
  allAnswered = resolve;
});
let start = 0;
let stopping = false;

function noteError(k: number, message: string): void {
  failed[k] = 1;
  if (errorSamples.length < 5 && !errorSamples.includes(message)) errorSamples.push(message);
}

/** Records request `k` as answered now (with `status`), or failed (`status` null: noted already). */
function complete(k: number, status: number | null): void {
  if (status !== null && status !== 200) noteError(k, `HTTP ${status}`);
  const end = performance.now();
  latency[k] = end - (start + k * interval);
  service[k] = end - sentAt[k]!;
  if (k >= first) lastEnd = Math.max(lastEnd, end);
  answered++;
  if (answered === total) allAnswered();
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection: one request at a time, its answer read by Content-Length. */
class Connection {
  socket: Socket;
  /** The request in flight, −1 when idle. */
  k = -1;
  #buf: Buffer | null = null;
  /** Bytes the answer in flight needs in all (head and body), once its head was read; else −1. */
  #need = -1;
  #status = 0;

  constructor() {
    this.socket = this.#connect();
  }

  #connect(): Socket {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('error', (err) => this.#fail(err.message));
    socket.on('close', () => {
      if (stopping) return;
      // An idle connection is in the idle list already; a busy one fails its request and goes on.
      const busy = this.k >= 0;
      this.#fail('connection closed');
      this.socket = this.#connect();
      if (busy) next(this);
    });
    return socket;
  }

  send(k: number): void {
    this.k = k;
    sentAt[k] = performance.now();
    this.socket.write(requests[k % requests.length]!);
  }

  #fail(message: string): void {
    const k = this.k;
    if (k < 0) return;
    this.k = -1;
    this.#buf = null;
    this.#need = -1;
    noteError(k, message);
    complete(k, null);
  }

  #data(chunk: Buffer): void {
    const buf = this.#buf ? Buffer.concat([this.#buf, chunk]) : chunk;
    if (this.#need < 0) {
      const headEnd = buf.indexOf(CRLF2);
      if (headEnd < 0) {
        this.#buf = buf;
        return;
      }
      const head = buf.toString('latin1', 0, headEnd).toLowerCase();
      this.#status = Number(head.slice(9, 12));
      const at = head.indexOf('\r\ncontent-length:');
      if (at < 0) {
        this.socket.destroy(new Error('an answer without content-length'));
        return;
      }
      this.#need = headEnd + 4 + Number.parseInt(head.slice(at + 17), 10);
    }
    if (buf.length < this.#need) {
      this.#buf = buf;
      return;
    }
    const k = this.k;
    this.k = -1;
    this.#buf = null;
    this.#need = -1;
    complete(k, this.#status);
    next(this);
  }
}

/** Connections with nothing in flight, and requests due with no connection free (in order). */
const idle: Connection[] = [];
const waiting: number[] = [];
let waitingHead = 0;

/** Gives an idle connection the oldest waiting request, if any. */
function next(c: Connection): void {
  if (waitingHead < waiting.length) {
    c.send(waiting[waitingHead++]!);
    if (waitingHead > 4096 && waitingHead * 2 > waiting.length) {
      waiting.splice(0, waitingHead);
      waitingHead = 0;
    }
  } else idle.push(c);
}

const pool = Array.from({ length: connections }, () => new Connection());
await Promise.all(pool.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
idle.push(...pool);

function fire(k: number): void {
  lag[k] = performance.now() - (start + k * interval);
  const c = idle.pop();
  if (c) c.send(k);
  else waiting.push(k);
}

start = performance.now() + 20;
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    while (sent < due) fire(sent++);
    if (sent < total) setTimeout(tick, 1);
    else resolve();
  };
  setTimeout(tick, 20);
});
const drainEnd = performance.now() + drain * 1000;
await Promise.race([finished, new Promise((r) => setTimeout(r, drain * 1000).unref())]);

// Unanswered requests: their latency so far, a lower bound.
let unfinished = 0;
for (let k = first; k < total; k++)
  if (Number.isNaN(latency[k]!)) {
    unfinished++;
    latency[k] = drainEnd - (start + k * interval);
  }
const counted = total - first;
let errors = 0;
for (let k = first; k < total; k++) errors += failed[k]!;
const lat = latency.slice(first).sort();
const svc = service
  .slice(first)
  .filter((v) => !Number.isNaN(v))
  .sort();
const lags = lag.slice(first).sort();
const quarter = Math.max(1, Math.floor(counted / 4));
const windowMs = (lastEnd || performance.now()) - (start + first * interval);
const result: FixedRateResult = {
  rate,
  counted,
  ok: counted - errors - unfinished,
  errors,
  unfinished,
  achieved: ((counted - unfinished) / windowMs) * 1000,
  p50: quantile(lat, 0.5),
  p90: quantile(lat, 0.9),
  p99: quantile(lat, 0.99),
  p999: quantile(lat, 0.999),
  max: lat[lat.length - 1]!,
  serviceP50: quantile(svc, 0.5),
  serviceP99: quantile(svc, 0.99),
  p50FirstQuarter: quantile(latency.slice(first, first + quarter).sort(), 0.5),
  p50LastQuarter: quantile(latency.slice(total - quarter).sort(), 0.5),
  sendLagP99: quantile(lags, 0.99),
  errorSamples,
};
process.stdout.write(`FIXED_JSON ${JSON.stringify(result)}\n`);
stopping = true;
for (const c of pool) c.socket.destroy();
process.exit(0);
