/**
 * The npm libraries a user would reach for instead of Tongli, wrapped to the product's labels. Each is
 * loaded on its own; one that fails to load is reported with the reason instead of stopping the run.
 */

export type Lang = 'zh' | 'en';

export interface PeerPrediction {
  label: string;
  score: number;
}

export interface PeerInfo {
  /** Column header and JSON key. */
  name: string;
  /** The npm package, for its version. */
  pkg: string;
  task: 'sentiment' | 'abuse';
  /** Languages the peer is meant for; on other sets it is shown as not applicable. */
  langs: readonly Lang[];
  /** How it is configured and thresholded, for the report. */
  setup: string;
}

export type Peer =
  | (PeerInfo & { status: 'ready'; predict: (text: string, lang: Lang) => PeerPrediction })
  | (PeerInfo & { status: 'unavailable'; reason: string });

/** Every language list `@2toad/profanity` ships (its supported-languages.md). */
const TOAD_LANGUAGES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'pt', 'ru', 'zh'];

/** Three-way polarity from a signed score: beyond ±cut is polar (a cut of 0 means any non-zero score). */
export function toPolarity(score: number, cut: number): PeerPrediction {
  const s = Number.isFinite(score) ? score : 0;
  const label = s > 0 && s >= cut ? 'positive' : s < 0 && s <= -cut ? 'negative' : 'neutral';
  return { label, score: s };
}

const flagged = (hit: boolean): PeerPrediction => ({ label: hit ? 'abusive' : 'clean', score: hit ? 1 : 0 });

/** Loads one peer and tries it once; any failure becomes the reason it is unavailable. */
export async function loadPeer(info: PeerInfo, load: () => Promise<(text: string, lang: Lang) => PeerPrediction>): Promise<Peer> {
  try {
    const predict = await load();
    predict('ok', info.langs[0] ?? 'en');
    return { ...info, status: 'ready', predict };
  } catch (error) {
    return {
      ...info,
      status: 'unavailable',
      reason: error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error),
    };
  }
}

/**
 * Loads every peer (dynamic imports, so a missing package is a reported reason, not a crash).
 *
 * @example
 * const peers = await loadPeers();
 * peers.filter((p) => p.status === 'unavailable').map((p) => `${p.name}: ${p.reason}`);
 */
export async function loadPeers(): Promise<Peer[]> {
  return Promise.all([
    loadPeer(
      {
        name: 'sentiment',
        pkg: 'sentiment',
        task: 'sentiment',
        langs: ['en'],
        setup: 'AFINN-165 comparative score; > 0 positive, < 0 negative',
      },
      async () => {
        const { default: Sentiment } = await import('sentiment');
        const afinn = new Sentiment();
        return (text) => toPolarity(afinn.analyze(text).comparative, 0);
      },
    ),
    loadPeer(
      {
        name: 'vader',
        pkg: 'vader-sentiment',
        task: 'sentiment',
        langs: ['en'],
        setup: 'compound score; >= 0.05 positive, <= -0.05 negative (VADER standard)',
      },
      async () => {
        const { default: vader } = await import('vader-sentiment');
        return (text) => toPolarity(vader.SentimentIntensityAnalyzer.polarity_scores(text).compound, 0.05);
      },
    ),
    loadPeer(
      {
        name: 'wink-nlp',
        pkg: 'wink-nlp',
        task: 'sentiment',
        langs: ['en'],
        setup: 'wink-eng-lite-web-model, its.sentiment in [-1, 1]; >= 0.05 positive, <= -0.05 negative (no cut documented)',
      },
      async () => {
        const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]);
        const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
        const its = nlp.its;
        return (text) => toPolarity(Number(nlp.readDoc(text).out(its.sentiment)), 0.05);
      },
    ),
    loadPeer(
      {
        name: '@2toad/profanity',
        pkg: '@2toad/profanity',
        task: 'abuse',
        langs: ['zh', 'en'],
        setup: `exists() with all ${TOAD_LANGUAGES.length} shipped lists (${TOAD_LANGUAGES.join(', ')}); whole-word on English, substring on Chinese (no spaces to bound words)`,
      },
      async () => {
        const { Profanity } = await import('@2toad/profanity');
        const spaced = new Profanity({ languages: TOAD_LANGUAGES });
        const unspaced = new Profanity({ languages: TOAD_LANGUAGES, wholeWord: false });
        return (text, lang) => flagged((lang === 'zh' ? unspaced : spaced).exists(text));
      },
    ),
    loadPeer(
      {
        name: 'glin-profanity',
        pkg: 'glin-profanity',
        task: 'abuse',
        langs: ['zh', 'en'],
        setup: 'Filter.isProfane() with the chinese + english dictionaries; word boundaries on English, off on Chinese',
      },
      async () => {
        const { Filter } = await import('glin-profanity');
        const spaced = new Filter({ languages: ['chinese', 'english'] });
        const unspaced = new Filter({ languages: ['chinese', 'english'], wordBoundaries: false });
        return (text, lang) => flagged((lang === 'zh' ? unspaced : spaced).isProfane(text));
      },
    ),
    loadObscenity(),
  ]);
}

/** `obscenity`: an English profanity matcher (its English dataset only, so English sets only). */
export function loadObscenity(): Promise<Peer> {
  return loadPeer(
    {
      name: 'obscenity',
      pkg: 'obscenity',
      task: 'abuse',
      langs: ['en'],
      setup: 'RegExpMatcher with englishDataset + englishRecommendedTransformers; hasMatch() → abusive',
    },
    async () => {
      const { RegExpMatcher, englishDataset, englishRecommendedTransformers } = await import('obscenity');
      const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
      return (text) => flagged(matcher.hasMatch(text));
    },
  );
}
