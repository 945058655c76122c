import type { Command } from 'commander';
import { isJobFinished, isLatheError, type Job, type LatheClient } from '../sdk/index.js';
import { clientFor, resolveConfig } from './context.js';

/** Seconds as `0.4s`, `42s`, `3m05s`, `1h02m`. */
export function duration(seconds: number): string {
  if (seconds < 1) return `${Math.max(0, seconds).toFixed(2)}s`;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A metric value with 4 significant digits. */
export const metricText = (v: number): string =>
  Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();

/** `phase [#####.....] 40/200  roc_auc 0.8123  ETA 12s`: one line of a job's progress. */
export function progressLine(job: Job, barWidth = 24): string {
  const p = job.progress;
  if (job.status === 'queued') return 'queued';
  if (!p) return job.status;
  const parts = [p.phase];
  if (p.total && p.done !== undefined) {
    const share = Math.min(1, Math.max(0, p.done / p.total));
    const filled = Math.round(share * barWidth);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${p.done}/${p.total}`);
  } else if (p.message) parts.push(p.message);
  for (const [k, v] of Object.entries(p.metrics ?? {}).slice(0, 3)) parts.push(`${k} ${metricText(v)}`);
  if (p.etaSeconds !== undefined && p.total)
    parts.push(`ETA ${p.etaSeconds < 1 ? '<1s' : duration(p.etaSeconds)}`);
  return parts.join('  ');
}

/**
 * Shows a job's progress on stderr: a redrawn line on a terminal, plain lines otherwise (one per
 * phase, one per tenth of the work, so logs stay short).
 */
function progressDisplay(out: NodeJS.WriteStream = process.stderr) {
  const tty = out.isTTY === true;
  let drawn = false;
  let lastDraw = 0;
  let lastPlain = '';
  let lastTenth = -1;
  const clear = () => {
    if (tty && drawn) out.write('\r\x1b[K');
    drawn = false;
  };
  return {
    update(job: Job) {
      if (tty) {
        const now = Date.now();
        if (!isJobFinished(job) && now - lastDraw < 100) return;
        lastDraw = now;
        const width = Math.max(20, (out.columns || 100) - 1);
        out.write(`\r\x1b[K${progressLine(job).slice(0, width)}`);
        drawn = true;
        return;
      }
      const p = job.progress;
      const key = `${job.status}|${p?.phase ?? ''}|${p?.total ? '' : (p?.message ?? '')}`;
      const tenth = p?.total && p.done !== undefined ? Math.floor((p.done / p.total) * 10) : -1;
      if (key === lastPlain && (tenth <= lastTenth || tenth < 0)) return;
      if (key !== lastPlain) lastTenth = -1;
      lastPlain = key;
      lastTenth = Math.max(lastTenth, tenth);
      if (isJobFinished(job)) return;
      out.write(`${progressLine(job)}\n`);
    },
    /** Prints a line of its own (the progress line is redrawn after it). */
    note(text: string) {
      clear();
      out.write(`${text}\n`);
    },
    done: clear,
  };
}

/** The jobs a server-sent event stream carries (`data: <job JSON>` per event). */
async function* jobEvents(url: string, token: string, id: string, signal: AbortSignal): AsyncGenerator<Job> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/api/v1/jobs/${encodeURIComponent(id)}/events`, { headers, signal });
  if (!res.ok || !res.body) throw new Error(`the event stream answered HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) yield JSON.parse(data) as Job;
    }
  }
}

/**
 * Follows job `id` to its final status and resolves to the final job: through the event stream,
 * falling back to polling every 500 ms when the stream fails. Progress goes to stderr. The first
 * Ctrl-C asks the server to cancel the job (and keeps waiting for its final status); a second one
 * stops waiting (exit 130).
 */
export async function followJob(cmd: Command, id: string): Promise<Job> {
  const client: LatheClient = clientFor(cmd);
  const { config } = resolveConfig(cmd);
  const display = progressDisplay();
  const stream = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) {
      display.note(`stopped waiting; job ${id} is still being cancelled (see lathe jobs show ${id})`);
      process.exit(130);
    }
    interrupted = true;
    display.note(`cancelling job ${id}… (Ctrl-C again to stop waiting)`);
    client.jobs.cancel(id).catch((err: unknown) => {
      // CONFLICT: it finished meanwhile, and the stream says how.
      if (!(isLatheError(err) && err.code === 'CONFLICT'))
        display.note(`could not cancel job ${id}: ${(err as Error).message}`);
    });
  };
  process.on('SIGINT', onInterrupt);
  try {
    try {
      for await (const job of jobEvents(config.client.url, config.client.token ?? '', id, stream.signal)) {
        display.update(job);
        if (isJobFinished(job)) return job;
      }
    } catch (err) {
      // A refused job id is the caller's error, not the stream's: polling reports it the same way.
      if (process.env.LATHE_DEBUG) display.note(`event stream failed (${(err as Error).message}); polling`);
    }
    return await client.jobs.wait(id, { onProgress: (job) => display.update(job), pollMs: 500 });
  } finally {
    stream.abort();
    process.off('SIGINT', onInterrupt);
    display.done();
  }
}
