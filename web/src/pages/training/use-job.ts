import { useCallback, useEffect, useRef, useState } from 'react';
import { isJobFinished, type Job } from '../../../../src/sdk/index.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** The validation metrics a job reported at iteration `done`. */
export interface MetricPoint {
  done: number;
  metrics: Record<string, number>;
}

export interface WatchedJob {
  job: Job | null;
  /** Every distinct `progress.metrics` seen while watching, ordered by `done`. */
  points: MetricPoint[];
  error: string | null;
  errorCode: string | null;
  /** How the page hears of changes: the event stream, or a poll every second when it cannot stream. */
  mode: 'stream' | 'poll' | 'done';
  /** Replaces the job (e.g. with the answer of a cancel). */
  update(job: Job): void;
}

/** Splits `data:` events out of a text/event-stream buffer; returns the events and the unparsed rest. */
function parseEvents(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) events.push(data);
  }
  return { events, rest };
}

/**
 * Watches job `id` live. EventSource cannot send the Authorization header, so the event stream
 * (GET /api/v1/jobs/:id/events) is read with fetch; when streaming fails the job is polled every
 * second instead. Stops once the job has finished.
 */
export function useJob(id: string): WatchedJob {
  const { client, token, handleError } = useSignedIn();
  const [job, setJob] = useState<Job | null>(null);
  const [points, setPoints] = useState<MetricPoint[]>([]);
  const [error, setError] = useState<{ message: string; code: string | null } | null>(null);
  const [mode, setMode] = useState<WatchedJob['mode']>('stream');
  const seen = useRef(new Map<number, Record<string, number>>());

  const accept = useCallback((next: Job) => {
    setJob(next);
    setError(null);
    const p = next.progress;
    if (p?.metrics && typeof p.done === 'number' && Object.keys(p.metrics).length > 0) {
      if (!seen.current.has(p.done)) {
        seen.current.set(p.done, p.metrics);
        setPoints(
          [...seen.current.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([done, metrics]) => ({ done, metrics })),
        );
      }
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    let live = true;
    seen.current = new Map();
    setPoints([]);
    setJob(null);
    setMode('stream');

    const poll = async () => {
      if (!live) return;
      setMode('poll');
      try {
        const j = await client.jobs.get(id);
        if (!live) return;
        accept(j);
        if (isJobFinished(j)) return setMode('done');
      } catch (err) {
        if (!live || handleError(err)) return;
        const code = (err as { code?: unknown }).code;
        setError({ message: errorMessage(err), code: typeof code === 'string' ? code : null });
        if (code === 'NOT_FOUND') return;
      }
      timer = window.setTimeout(poll, 1000);
    };

    const stream = async () => {
      let last: Job | null = null;
      try {
        const res = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}/events`, {
          headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) return void poll();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const parsed = parseEvents(buffer);
          buffer = parsed.rest;
          for (const data of parsed.events) {
            last = JSON.parse(data) as Job;
            if (live) accept(last);
          }
        }
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
      }
      if (!live) return;
      // The stream ends after the final status; ended early (a proxy, a restart): poll instead.
      if (last && isJobFinished(last)) setMode('done');
      else void poll();
    };

    void stream();
    return () => {
      live = false;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [client, token, id, accept, handleError]);

  return { job, points, error: error?.message ?? null, errorCode: error?.code ?? null, mode, update: accept };
}
