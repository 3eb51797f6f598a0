import { createApiClient } from './client.js';

/** The app's one API client (same origin; the session cookie and CSRF token live here). */
export const api = createApiClient();
