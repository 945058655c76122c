/**
 * Worker-thread task of the inference store: formats a packed batch of prediction records as WAL
 * lines, so number formatting (the costliest part of ingest) runs beside the thread that checks
 * records.
 */
import { type PackedPredictions, packedLines } from './wal-lines.js';

/** The WAL bytes of a packed batch (see packedLines). */
export function formatPackedLines(packed: PackedPredictions): Uint8Array {
  return packedLines(packed);
}
