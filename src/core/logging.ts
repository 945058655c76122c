import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * The process logger: JSON lines on stderr (stdout stays for command output), with
 * credentials redacted wherever they appear in a logged request.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          '*.token',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}
