import { join } from 'node:path';
import winston from 'winston';
import type { Logger } from '../util/logger.js';

/** Winston logger writing the run's log into its directory (and warnings to stderr). */
export function createRunLogger(runDir: string, quiet = false): Logger & { close(): Promise<void> } {
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.printf((i) => `${String(i.timestamp)} ${i.level} ${String(i.message)}`)),
    transports: [
      new winston.transports.File({ filename: join(runDir, 'run.log') }),
      ...(quiet ? [] : [new winston.transports.Console({ level: 'warn', stderrLevels: ['warn', 'error'], format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`) })]),
    ],
  });
  return Object.assign(logger as unknown as Logger, {
    close: () => new Promise<void>((resolve) => { logger.on('finish', () => resolve()); logger.end(); }),
  });
}
