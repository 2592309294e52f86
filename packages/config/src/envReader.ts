/** The environment a service reads its configuration from (process.env, or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown once with every problem found, so a bad deployment is fixed in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(service: string, problems: readonly string[]) {
    super(`Invalid configuration for ${service}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

interface IntOptions {
  default: number;
  min?: number;
  max?: number;
}

/**
 * Reads typed settings from an environment, collecting problems instead of throwing at
 * the first one. Each getter returns a usable placeholder after recording a problem;
 * `readConfig` throws before such a value can be used.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A setting that must be present and non-empty. */
  required(name: string, hint: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name} is required: ${hint}`);
      return '';
    }
    return value;
  }

  /**
   * A required PEM key. Newlines may be written as the two characters \\n, so a key fits
   * on one line of an env file.
   */
  pem(name: string, hint: string): string {
    const value = this.required(name, hint).replace(/\\n/g, '\n');
    if (value !== '' && !/^-----BEGIN [A-Z ]+-----\n[\s\S]+\n-----END [A-Z ]+-----\s*$/.test(value)) {
      this.problems.push(`${name} must be a PEM block (-----BEGIN …----- … -----END …-----)`);
    }
    return value;
  }

  /** A setting that may be absent (undefined when it is). */
  optional(name: string): string | undefined {
    return this.raw(name);
  }

  string(name: string, defaultValue: string): string {
    return this.raw(name) ?? defaultValue;
  }

  int(name: string, options: IntOptions): number {
    const value = this.raw(name);
    if (value === undefined) return options.default;
    const parsed = Number(value);
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
      return options.default;
    }
    return parsed;
  }

  boolean(name: string, defaultValue: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return defaultValue;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return defaultValue;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T {
    const value = this.raw(name);
    if (value === undefined) return defaultValue;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return defaultValue;
  }

  /** A URL with one of the given protocols (e.g. 'postgres:' or 'redis:'). */
  url(name: string, protocols: readonly string[], value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  /** Records a problem found by a check the getters cannot express. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** @internal */
  collectedProblems(): readonly string[] {
    return this.problems;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }
}

/** Builds a service's configuration once, failing fast with every problem listed. */
export function readConfig<T>(service: string, env: Env, read: (reader: EnvReader) => T): T {
  const reader = new EnvReader(env);
  const config = read(reader);
  const problems = reader.collectedProblems();
  if (problems.length > 0) throw new ConfigError(service, problems);
  return config;
}
