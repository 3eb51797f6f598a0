import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { rateLimiter } from 'hono-rate-limiter';
import type { CsatSurvey } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema } from '../http/schemas.js';
import { createSecret, hashToken, safeEqual } from '../security/secrets.js';
import { answerSurvey, MAX_COMMENT_CHARS } from './commands.js';
import { renderSurveyPage, SURVEY_PAGE_CSP, type SurveyPageView } from './page.js';
import { findSurveyByTokenHash } from './repository.js';
import { thanksText } from './texts.js';
import { clientIp } from '../http/client-ip.js';

/** Survey requests (pages and answers) per client address per minute. */
export const SURVEY_REQUESTS_PER_MINUTE = 60;

/** `cs_` + 32 random bytes in base64url: anything else is unknown without asking the database. */
const TOKEN_PATTERN = /^cs_[\w-]{43}$/;
const NONCE_COOKIE = 'tongli_survey';
/** A form holds a rating, a nonce and at most 2,000 characters of comment (up to 4 bytes each, URL-encoded). */
const MAX_FORM_BYTES = 64 * 1024;

async function loadSurvey(c: Context<AppEnv>, token: string): Promise<CsatSurvey | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return findSurveyByTokenHash(c.get('deps').db.kysely, hashToken(token), new Date());
}

/** The page's language: the survey's, or (for an unknown link) the browser's first choice. */
function pageLocale(c: Context<AppEnv>, survey: CsatSurvey | undefined): string {
  if (survey) return survey.locale;
  return /^\s*en\b/i.test(c.req.header('accept-language') ?? '') ? 'en' : 'zh';
}

function page(c: Context<AppEnv>, locale: string, view: SurveyPageView, status: 200 | 400 | 403 | 404 | 409 | 413 | 429 = 200): Response {
  c.header('content-security-policy', SURVEY_PAGE_CSP);
  c.header('cache-control', 'no-store');
  c.header('referrer-policy', 'no-referrer');
  c.header('x-robots-tag', 'noindex, nofollow');
  return c.html(renderSurveyPage(locale, view), status);
}

/** A new form nonce, also set as a same-site cookie: the POST must carry both (double-submit). */
function issueNonce(c: Context<AppEnv>): string {
  const nonce = createSecret();
  setCookie(c, NONCE_COOKIE, nonce, {
    path: '/survey/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.get('deps').config.secureCookies,
    maxAge: 24 * 3600,
  });
  return nonce;
}

/** A cross-site form post names another origin; browsers that hide it send `null` or nothing (the nonce decides). */
function sameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return true;
  const { publicUrl } = c.get('deps').config;
  return origin === new URL(c.req.url).origin || (publicUrl !== undefined && origin === new URL(publicUrl).origin);
}

const parseRating = (value: unknown): number | null => {
  const n = typeof value === 'string' && /^[1-5]$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : null;
};

const AnswerSchema = z
  .object({
    rating: z.number().int().min(1).max(5),
    comment: z.string().max(MAX_COMMENT_CHARS).optional(),
  })
  .openapi('CsatAnswer');

const AnswerResultSchema = z
  .object({
    status: z.literal('recorded'),
    rating: z.number().int(),
    comment: z.string().nullable(),
    message: z.string().openapi({ description: 'A thank-you line in the survey language' }),
  })
  .openapi('CsatAnswerResult');

/**
 * The customer's side of a survey, public (the token in the link is the credential):
 * - `GET /survey/{token}` shows the form (a `?rating=` from the email preselects a choice). It never records anything:
 *   mail scanners open links, so only an explicit submit counts.
 * - `POST /survey/{token}` records the submitted form, once; it needs the page's nonce (cookie and field) and a
 *   same-origin post. A second submit shows "already answered" (409) and keeps the first answer.
 * - `POST /api/surveys/{token}` does the same for API clients (JSON; 409 `already_answered`).
 * All are rate-limited per client address; unknown and expired links answer 404.
 */
export function surveyPublicRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const limit = rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: SURVEY_REQUESTS_PER_MINUTE,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => `survey:${clientIp(c) ?? 'local'}`,
    handler: (c) =>
      c.req.path.startsWith('/api/')
        ? c.json({ error: { code: 'rate_limited', message: 'too many survey requests; wait a minute' } }, 429)
        : page(c, pageLocale(c, undefined), { kind: 'rate_limited' }, 429),
  });
  app.use('/survey/*', limit);
  app.use('/api/surveys/*', limit);
  app.use(
    '/survey/*',
    bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => page(c, pageLocale(c, undefined), { kind: 'too_large' }, 413) }),
  );

  app.get('/survey/:token', async (c) => {
    const survey = await loadSurvey(c, c.req.param('token'));
    if (!survey) return page(c, pageLocale(c, undefined), { kind: 'not_found' }, 404);
    if (survey.answered_at) return page(c, survey.locale, { kind: 'already_answered', rating: survey.rating, comment: survey.comment });
    return page(c, survey.locale, { kind: 'form', rating: parseRating(c.req.query('rating')), comment: '', nonce: issueNonce(c) });
  });

  app.post('/survey/:token', async (c) => {
    const survey = await loadSurvey(c, c.req.param('token'));
    if (!survey) return page(c, pageLocale(c, undefined), { kind: 'not_found' }, 404);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const rating = parseRating(form.rating);
    const comment = typeof form.comment === 'string' ? form.comment.slice(0, MAX_COMMENT_CHARS) : '';
    if (survey.answered_at) {
      return page(c, survey.locale, { kind: 'already_answered', rating: survey.rating, comment: survey.comment }, 409);
    }
    const cookie = getCookie(c, NONCE_COOKIE);
    const nonce = typeof form.nonce === 'string' ? form.nonce : '';
    if (!cookie || !nonce || !safeEqual(cookie, nonce) || !sameOrigin(c)) {
      return page(c, survey.locale, { kind: 'form', rating, comment, nonce: issueNonce(c), notice: 'expiredForm' }, 403);
    }
    if (rating === null) return page(c, survey.locale, { kind: 'form', rating, comment, nonce, notice: 'chooseRating' }, 400);
    const result = await answerSurvey(c.get('deps'), survey, { rating, comment });
    const stored = result.survey;
    if (result.status === 'already_answered') {
      return page(c, survey.locale, { kind: 'already_answered', rating: stored.rating, comment: stored.comment }, 409);
    }
    return page(c, survey.locale, {
      kind: 'thanks',
      text: thanksText(survey.locale, stored.rating),
      rating: stored.rating ?? rating,
      comment: stored.comment,
    });
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveys/{token}',
      tags: ['csat'],
      summary: 'Answer a satisfaction survey with the token of its link (public; once per survey)',
      request: {
        params: z.object({
          token: z
            .string()
            .max(100)
            .openapi({ param: { name: 'token', in: 'path' } }),
        }),
        body: { content: { 'application/json': { schema: AnswerSchema } }, required: true },
      },
      responses: {
        200: { description: 'Recorded', content: { 'application/json': { schema: AnswerResultSchema } } },
        400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
        404: { description: 'Unknown or expired survey', content: { 'application/json': { schema: ErrorSchema } } },
        409: { description: 'Already answered (the first answer stays)', content: { 'application/json': { schema: ErrorSchema } } },
        429: { description: 'Too many requests', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const survey = await loadSurvey(c, c.req.valid('param').token);
      if (!survey) throw notFound('survey');
      const result = await answerSurvey(c.get('deps'), survey, c.req.valid('json'));
      if (result.status === 'already_answered') throw new AppError('already_answered', 409, 'this survey was already answered');
      const { rating, comment } = result.survey;
      return c.json({ status: 'recorded' as const, rating: rating ?? 0, comment, message: thanksText(survey.locale, rating) }, 200);
    },
  );
  return app;
}
