import winston from 'winston';
import { RunLogFile } from '../run/log-file.js';
import type { Logger } from '../util/logger.js';

/** Winston logger writing the run's log into its directory (once the run holds it) and warnings to stderr. */
export function createRunLogger(runDir: string, quiet = false): Logger & { close(): Promise<void> } {
  const file = new RunLogFile(runDir);
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.printf((i) => `${String(i.timestamp)} ${i.level} ${String(i.message)}`)),
    transports: [
      file,
      ...(quiet ? [] : [new winston.transports.Console({ level: 'warn', stderrLevels: ['warn', 'error'], format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`) })]),
    ],
  });
  return Object.assign(logger as unknown as Logger, {
    close: () => new Promise<void>((resolve) => { logger.on('finish', () => { file.close(); resolve(); }); logger.end(); }),
  });
}
