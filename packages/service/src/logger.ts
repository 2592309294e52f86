import { currentRequestId } from './telemetry/requestScope.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(service: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  service: string;
  level?: LogLevel | 'silent';
  /** JSON lines for machines (production), short text lines for people (development). */
  format?: 'json' | 'text';
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = options.level === 'silent' ? Infinity : ORDER[options.level ?? 'info'];
  const format = options.format ?? 'text';
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));

  function log(level: LogLevel, message: string, given: Record<string, unknown> = {}) {
    if (ORDER[level] < threshold) return;
    // Every line written while serving a request names it, so one request's lines can be
    // found across services (the id travels with the request).
    const requestId = currentRequestId();
    const fields = requestId === undefined ? given : { requestId, ...given };
    if (format === 'json') {
      write(JSON.stringify({ time: new Date().toISOString(), level, service: options.service, message, ...fields }));
      return;
    }
    const details = Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields, errorReplacer)}`;
    write(`${level.padEnd(5)} [${options.service}] ${message}${details}`);
  }

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (service) => createLogger({ ...options, service }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

/** A logger that drops everything (tests that do not read logs). */
export const silentLogger: Logger = createLogger({ service: 'silent', level: 'silent' });
