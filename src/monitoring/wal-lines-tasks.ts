/**
 * Worker-thread task of the inference store: formats a batch of prediction records as WAL lines,
 * so number formatting (the costliest part of ingest) runs beside the thread that checks records.
 */
import type { PredictionRecord } from './types.js';
import { predictionLines } from './wal-lines.js';

/** The WAL bytes of `records` (see predictionLines). */
export function formatPredictionLines(args: { records: PredictionRecord[]; classes: string[] }): Uint8Array {
  return predictionLines(args.records, args.classes);
}
