/** The shape of the compiled lexicon module (`generated/lexicons.ts`), as written by `scripts/compile-lexicons.ts`. */

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface CatalogueTechnique {
  id: string;
  polarity: 'good' | 'harmful' | 'neutral';
  stage: string;
  name: LocalizedText;
  explanation: LocalizedText;
  suggestion: LocalizedText;
}

export interface CatalogueSignal {
  id: string;
  name: LocalizedText;
  explanation: LocalizedText;
  suggestion: LocalizedText;
}

export interface CatalogueEmotion {
  id: string;
  name: LocalizedText;
  suggestion: LocalizedText;
}

export interface Catalogue {
  techniques: CatalogueTechnique[];
  signals: CatalogueSignal[];
  emotions: CatalogueEmotion[];
  stages: { id: string; name: LocalizedText }[];
}

export interface RawLanguageLexicon {
  emotion: [pattern: string, emotion: string, weight: number][];
  sentiment: [pattern: string, valence: number][];
  signals: [pattern: string, signal: string, severity: number][];
  modifiers: [pattern: string, kind: string, factor: number][];
  techniques: [pattern: string, technique: string, confidence: number, rewrite: string][];
  jargon: [term: string, plain: string][];
  stopwords: [word: string][];
  targets: [pattern: string, group: string][];
}

export interface RawPattern {
  id: string;
  kind: string;
  regex: string;
  flags: string;
  confidence: number;
}

export interface RawLexicon {
  zh: RawLanguageLexicon;
  en: RawLanguageLexicon;
  patterns: RawPattern[];
  catalogue: Catalogue;
  scorecard: unknown;
  tuning: unknown;
}
