import { detectLanguage } from '@tongli/engine';
import raw from './texts.json' with { type: 'json' };

/** The survey's languages: the customer's, zh unless they write (or are set up) in English. */
export type SurveyLocale = 'zh' | 'en';

export type SurveyTexts = (typeof raw)['zh'];

const TEXTS: Record<SurveyLocale, SurveyTexts> = raw;

/** The survey texts (`texts.json`) in a language; anything unknown reads as zh. */
export function surveyTexts(locale: string): SurveyTexts {
  return locale === 'en' ? TEXTS.en : TEXTS.zh;
}

/**
 * The customer's language for the survey: their stored locale when it names zh or en, else the language of their
 * last message (mixed or none → zh).
 * @example
 * pickSurveyLocale(null, 'My order never arrived'); // 'en'
 */
export function pickSurveyLocale(customerLocale: string | null, lastCustomerText: string | undefined): SurveyLocale {
  const locale = customerLocale?.toLowerCase() ?? '';
  if (locale.startsWith('en')) return 'en';
  if (locale.startsWith('zh')) return 'zh';
  return lastCustomerText !== undefined && detectLanguage(lastCustomerText) === 'en' ? 'en' : 'zh';
}

/** Replaces `{name}` placeholders with the values given (missing ones become empty). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

/** What the widget shows for an inline survey (sent with the survey, so the script carries no texts). */
export interface WidgetSurveyTexts {
  question: string;
  ratings: string[];
  commentLabel: string;
  submit: string;
}

export function widgetSurveyTexts(locale: string): WidgetSurveyTexts {
  const t = surveyTexts(locale);
  return { question: t.question, ratings: t.ratings, commentLabel: t.commentLabel, submit: t.submit };
}

/** The thank-you line after an answer (an apology and a promise of follow-up for a low rating). */
export function thanksText(locale: string, rating: number | null): string {
  const t = surveyTexts(locale);
  return rating !== null && rating <= 2 ? t.thanksLow : t.thanks;
}
