import type { Analyzer, Catalogue } from '@tongli/engine';

export interface LoadedEngine {
  analyzer: Analyzer;
  catalogue: Readonly<Catalogue>;
}

let loading: Promise<LoadedEngine> | undefined;

/**
 * Loads the analysis engine in the browser (its own chunk), builds the analyzer with the dictionary-free fallback
 * segmenter and warms it up so the first real keystroke is coached as fast as the rest.
 * @example
 * const { analyzer } = await loadEngine();
 */
export function loadEngine(): Promise<LoadedEngine> {
  loading ??= import('@tongli/engine').then((engine) => {
    const analyzer = engine.createAnalyzer();
    for (const [draft, customer] of [
      ['给您带来的不便我深表歉意，这不是我们的问题。', '我已经打了三次电话了！！！'],
      ['Sorry if you feel that way, you should have read the manual.', 'This is the third time I am asking!'],
    ] as const)
      analyzer.coach(draft, { customer });
    return { analyzer, catalogue: engine.CATALOGUE };
  });
  return loading;
}

/** A technique's, signal's or emotion's name and explanation in the UI language (the id when unknown). */
export function describeFinding(
  catalogue: Readonly<Catalogue> | undefined,
  id: string,
  lang: 'zh' | 'en',
): { name: string; explanation: string } {
  const entry = catalogue?.techniques.find((x) => x.id === id) ?? catalogue?.signals.find((x) => x.id === id);
  if (entry) return { name: entry.name[lang], explanation: entry.explanation[lang] };
  const emotion = id.startsWith('emotion:') ? catalogue?.emotions.find((x) => x.id === id.slice(8)) : undefined;
  if (emotion) return { name: emotion.name[lang], explanation: emotion.suggestion[lang] };
  return { name: id, explanation: '' };
}
