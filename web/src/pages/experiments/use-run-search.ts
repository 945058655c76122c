import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Run, ViewType } from '../../../../src/sdk/index.js';
import { type FilterProblem, filterProblem } from '../../components/FilterInput.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** Runs fetched per request while scrolling. */
const runPageSize = 200;

export interface RunSearchState {
  runs: Run[];
  /** Every run matching the filter (counted by the server on the first page). */
  total: number | null;
  hasMore: boolean;
  /** The first page is loading (the table is replaced). */
  loading: boolean;
  /** A further page is loading (rows are appended). */
  loadingMore: boolean;
  error: string | null;
  /** The server refused the filter or sort: message and position. */
  problem: FilterProblem | null;
  loadMore(): void;
  reload(): void;
}

/**
 * Searches an experiment's runs page by page: the first page (with the total) whenever the query
 * changes, further pages on `loadMore()`. Answers to an older query are dropped.
 */
export function useRunSearch(query: {
  experimentId: string;
  filter: string;
  orderBy: string[];
  viewType: ViewType;
}): RunSearchState {
  const { client, handleError } = useSignedIn();
  const [runs, setRuns] = useState<Run[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<FilterProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const inFlight = useRef(false);

  const { experimentId, filter, viewType } = query;
  const orderKey = query.orderBy.join('\n');

  const fail = useCallback(
    (err: unknown) => {
      if (handleError(err)) return;
      const p = filterProblem(err);
      setProblem(p);
      setError(p ? null : errorMessage(err));
    },
    [handleError],
  );

  // One query for the first page and the pages after it.
  const search = useMemo(
    () => ({
      experimentIds: [experimentId],
      filter: filter || undefined,
      orderBy: orderKey ? orderKey.split('\n') : undefined,
      viewType,
      maxResults: runPageSize,
    }),
    [experimentId, filter, orderKey, viewType],
  );

  useEffect(() => {
    void attempt;
    const mine = ++generation.current;
    inFlight.current = true;
    setLoading(true);
    setLoadingMore(false); // a page still loading for the previous query is dropped
    setError(null);
    setProblem(null);
    client.tracking
      .searchRuns({ ...search, withTotal: true })
      .then(
        (page) => {
          if (generation.current !== mine) return;
          setRuns(page.runs);
          setTotal(page.total ?? null);
          setToken(page.nextPageToken);
        },
        (err: unknown) => {
          if (generation.current !== mine) return;
          setRuns([]);
          setTotal(null);
          setToken(null);
          fail(err);
        },
      )
      .finally(() => {
        if (generation.current !== mine) return;
        inFlight.current = false;
        setLoading(false);
      });
  }, [client, search, attempt, fail]);

  const loadMore = useCallback(() => {
    if (!token || inFlight.current) return;
    const mine = generation.current;
    inFlight.current = true;
    setLoadingMore(true);
    client.tracking
      .searchRuns({ ...search, pageToken: token })
      .then(
        (page) => {
          if (generation.current !== mine) return;
          setRuns((prev) => [...prev, ...page.runs]);
          setToken(page.nextPageToken);
        },
        (err: unknown) => {
          if (generation.current === mine) fail(err);
        },
      )
      .finally(() => {
        if (generation.current !== mine) return;
        inFlight.current = false;
        setLoadingMore(false);
      });
  }, [client, search, token, fail]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    runs,
    total,
    hasMore: token !== null,
    loading,
    loadingMore,
    error,
    problem,
    loadMore,
    reload,
  };
}
