import { pino, type Logger } from 'pino';

export type TLogger = Logger;

/**
 * The service's leveled logger. Resident text never goes into a log line: log keys, ids and codes.
 */
export function createLogger(level: string): TLogger {
  return pino({
    level,
    base: { service: 'meethuis-chat' },
    redact: { paths: ['req.headers.authorization', '*.token', '*.text'], remove: true },
  });
}
