/** The CLI's one error type: a stable snake_case code, a one-line message and the exit code it maps to. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError('bad_usage', message, 2);
export const inputError = (message: string) => new CliError('bad_input', message, 2);
