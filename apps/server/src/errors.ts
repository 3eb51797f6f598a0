/** The server's one error type: a stable snake_case code, an HTTP status and a message safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', 404, `${what} not found`);
export const forbidden = (message = 'you may not do this'): AppError => new AppError('forbidden', 403, message);
export const badRequest = (code: string, message: string, details?: unknown): AppError => new AppError(code, 400, message, details);
