import { surveyTexts } from './texts.js';

/** Everything on the page is static: no script, styles inline, forms post only back here. */
export const SURVEY_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export type SurveyPageView =
  | { kind: 'form'; rating: number | null; comment: string; nonce: string; notice?: 'chooseRating' | 'expiredForm' }
  | { kind: 'thanks'; text: string; rating: number; comment: string | null }
  | { kind: 'already_answered'; rating: number | null; comment: string | null }
  | { kind: 'not_found' }
  | { kind: 'rate_limited' }
  | { kind: 'too_large' };

const STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f7fa;color:#1f2329}
main{max-width:520px;margin:40px auto;padding:24px;background:#fff;border-radius:12px;box-shadow:0 4px 20px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 16px}fieldset{border:0;padding:0;margin:0 0 16px}legend{font-weight:600;margin-bottom:8px}
.r{display:flex;gap:8px;flex-wrap:wrap}.r label{flex:1 1 0;min-width:0;border:1px solid #d0d5dd;border-radius:8px;padding:8px 4px;text-align:center;font-size:13px;cursor:pointer}
.r input{display:block;margin:0 auto 4px}.r b{display:block;font-size:20px}
textarea{box-sizing:border-box;width:100%;min-height:96px;font:inherit;padding:8px;border:1px solid #d0d5dd;border-radius:8px}
button{margin-top:16px;padding:10px 20px;font:inherit;color:#fff;background:#1668dc;border:0;border-radius:8px;cursor:pointer}
.n{padding:8px 12px;background:#fff4e5;border-radius:8px;margin-bottom:16px}blockquote{margin:12px 0;padding:8px 12px;background:#f5f7fa;border-radius:8px;white-space:pre-wrap}`;

function layout(locale: string, title: string, body: string): string {
  const lang = locale === 'en' ? 'en' : 'zh-CN';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function answerBlock(locale: string, rating: number | null, comment: string | null): string {
  const t = surveyTexts(locale);
  const label = rating === null ? '' : `<p><b>${rating}</b> · ${escapeHtml(t.ratings[rating - 1] ?? '')}</p>`;
  return `${label}${comment ? `<blockquote>${escapeHtml(comment)}</blockquote>` : ''}`;
}

/**
 * The survey page: the form (1–5 and a comment; nothing is recorded until it is submitted), or the outcome. Every
 * piece of text is escaped; the customer's own comment is shown back only as text.
 */
export function renderSurveyPage(locale: string, view: SurveyPageView): string {
  const t = surveyTexts(locale);
  switch (view.kind) {
    case 'not_found':
      return layout(locale, t.title, `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.notFound)}</p>`);
    case 'rate_limited':
      return layout(locale, t.title, `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.rateLimited)}</p>`);
    case 'too_large':
      return layout(locale, t.title, `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.tooLarge)}</p>`);
    case 'already_answered':
      return layout(
        locale,
        t.title,
        `<h1>${escapeHtml(t.title)}</h1><p data-state="already-answered">${escapeHtml(t.alreadyAnswered)}</p>${answerBlock(locale, view.rating, view.comment)}`,
      );
    case 'thanks':
      return layout(
        locale,
        t.title,
        `<h1>${escapeHtml(t.title)}</h1><p data-state="thanks">${escapeHtml(view.text)}</p>${answerBlock(locale, view.rating, view.comment)}`,
      );
    case 'form': {
      const choices = [1, 2, 3, 4, 5]
        .map(
          (rating) =>
            `<label><input type="radio" name="rating" value="${rating}"${view.rating === rating ? ' checked' : ''} required><b>${rating}</b>${escapeHtml(t.ratings[rating - 1] ?? '')}</label>`,
        )
        .join('');
      const notice = view.notice ? `<p class="n" role="alert">${escapeHtml(t[view.notice])}</p>` : '';
      return layout(
        locale,
        t.title,
        `<h1>${escapeHtml(t.title)}</h1>${notice}<form method="post"><input type="hidden" name="nonce" value="${escapeHtml(view.nonce)}"><fieldset><legend>${escapeHtml(t.question)}</legend><div class="r">${choices}</div></fieldset><label for="comment">${escapeHtml(t.commentLabel)}</label><textarea id="comment" name="comment" maxlength="2000">${escapeHtml(view.comment)}</textarea><button type="submit">${escapeHtml(t.submit)}</button></form>`,
      );
    }
  }
}
