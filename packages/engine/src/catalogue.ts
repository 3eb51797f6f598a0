import { RAW_LEXICON } from './generated/lexicons.js';
import type { Catalogue } from './lexicon/raw.js';

/** The technique, signal and emotion catalogue (names, explanations, suggestions in zh and en), without compiling an analyser. */
export const CATALOGUE: Readonly<Catalogue> = RAW_LEXICON.catalogue;
