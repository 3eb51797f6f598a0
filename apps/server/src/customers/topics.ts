/**
 * Topic comparison for repeat-contact detection, kept simple enough to explain in one line: the same tag, a similar
 * subject, or enough shared key terms (Han character pairs and Latin words, common function words left out).
 */

/** Characters too common to make a Han pair a key term (particles, pronouns, auxiliaries). */
const HAN_STOP = new Set('的了我你您他她它们是在吗呢吧啊么这那有和就也都还不没很要会能可以个一把被给让过着请问好谢'.split(''));
const LATIN_STOP = new Set(
  'the and for you your our with have has had was were are this that from what when will would could should there their they them been about into just please thanks thank hello dear still again not but can cant dont didnt why how where which who order'.split(
    ' ',
  ),
);

/** Most key terms kept per conversation (the most frequent). */
const MAX_TERMS = 40;

const isHan = (code: number): boolean => (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);

/**
 * The key terms of a text: Han character pairs without a common function character, and Latin words of four letters
 * or more that are not stop words; most frequent first.
 * @example
 * keyTerms('快递三天了还没送到'); // ['快递', '递三', '三天', '送到']
 */
export function keyTerms(text: string): string[] {
  const counts = new Map<string, number>();
  const add = (term: string): void => {
    counts.set(term, (counts.get(term) ?? 0) + 1);
  };
  const lower = text.toLowerCase();
  for (let i = 0; i + 1 < lower.length; i++) {
    const a = lower.charCodeAt(i);
    const b = lower.charCodeAt(i + 1);
    if (!isHan(a) || !isHan(b)) continue;
    const pair = lower.slice(i, i + 2);
    if (HAN_STOP.has(pair[0] ?? '') || HAN_STOP.has(pair[1] ?? '')) continue;
    add(pair);
  }
  for (const word of lower.match(/[a-z][a-z']{3,}/g) ?? []) {
    const w = word.replace(/'/g, '');
    if (w.length >= 4 && !LATIN_STOP.has(w)) add(w.replace(/(ies|es|s|ed|ing)$/, ''));
  }
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, MAX_TERMS)
    .map(([term]) => term);
}

/** What is known about a conversation's topic. */
export interface TopicInput {
  subject: string;
  tags: readonly string[];
  /** The customer's first messages. */
  customerText: string;
}

/** Why two conversations are on the same topic; null when they are not. */
export interface TopicMatch {
  kind: 'tag' | 'subject' | 'terms';
  reason: string;
  shared: string[];
}

/** Share of the smaller set's terms that both sets hold. */
function overlap(a: readonly string[], b: readonly string[]): { share: number; shared: string[] } {
  if (a.length === 0 || b.length === 0) return { share: 0, shared: [] };
  const other = new Set(b);
  const shared = a.filter((t) => other.has(t));
  return { share: shared.length / Math.min(a.length, b.length), shared };
}

/** Tags that say nothing about the topic: channels, languages, priority markers. */
const GENERIC_TAGS = new Set(['import', 'email', 'web', 'api', 'vip', 'urgent', 'zh', 'en', 'zh-cn', 'en-us', 'mixed']);

/** Whether a tag names a topic (not a channel, language or priority marker). */
export function isTopicTag(tag: string): boolean {
  return !GENERIC_TAGS.has(tag.toLowerCase());
}
/** Subjects at least this similar (share of key terms) are the same topic. */
const SUBJECT_SHARE = 0.5;
/** Customer texts sharing at least this share of key terms, and at least two terms, are the same topic. */
const TERMS_SHARE = 0.3;
const MIN_SHARED_TERMS = 2;

/**
 * Whether two conversations are about the same thing, with the reason: a shared (non-generic) tag, similar subjects,
 * or shared key terms in what the customer wrote.
 * @example
 * sameTopic({ subject: '', tags: [], customerText: '快递三天还没送到' }, { subject: '', tags: [], customerText: '快递到现在没送到' });
 */
export function sameTopic(a: TopicInput, b: TopicInput): TopicMatch | null {
  const tags = a.tags.filter((t) => isTopicTag(t) && b.tags.includes(t));
  if (tags.length > 0) return { kind: 'tag', reason: `same tag: ${tags.join(', ')}`, shared: tags };
  const subjectA = keyTerms(a.subject);
  const subjectB = keyTerms(b.subject);
  const subject = overlap(subjectA, subjectB);
  if (subject.share >= SUBJECT_SHARE && subject.shared.length > 0)
    return { kind: 'subject', reason: `similar subject: ${subject.shared.slice(0, 5).join(', ')}`, shared: subject.shared };
  const terms = overlap(keyTerms(`${a.subject} ${a.customerText}`), keyTerms(`${b.subject} ${b.customerText}`));
  if (terms.share >= TERMS_SHARE && terms.shared.length >= MIN_SHARED_TERMS)
    return {
      kind: 'terms',
      reason: `shared key terms (${Math.round(terms.share * 100)}%): ${terms.shared.slice(0, 6).join(', ')}`,
      shared: terms.shared,
    };
  return null;
}
