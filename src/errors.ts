// Errors that reach the operator. Exit codes follow the project convention:
// 0 ok, 1 policy said no (findings, denied), 2 usage or runtime error.

export const EXIT_OK = 0;
export const EXIT_POLICY = 1;
export const EXIT_ERROR = 2;

/** An error whose message is written for the person running gatehouse: what went wrong and what to do. */
export class GatehouseError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatehouseError';
    this.exitCode = options.exitCode ?? EXIT_ERROR;
    this.hint = options.hint;
  }
}

export class ConfigError extends GatehouseError {
  readonly file: string;
  readonly key: string | undefined;
  constructor(file: string, key: string | undefined, problem: string, hint?: string) {
    super(`${file}: ${key ? `${key}: ` : ''}${problem}`, { hint });
    this.name = 'ConfigError';
    this.file = file;
    this.key = key;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
