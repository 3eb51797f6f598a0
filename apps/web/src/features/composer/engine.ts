import type { Analyzer, Catalogue, Guidelines } from '@tongli/engine';
import { api } from '../../api/instance.js';

export interface LoadedEngine {
  analyzer: Analyzer;
  catalogue: Readonly<Catalogue>;
}

let loading: Promise<LoadedEngine> | undefined;

/** The organisation's guidelines (undefined when they cannot be read: coaching then uses the engine's defaults). */
const organisationGuidelines = (): Promise<Guidelines | undefined> =>
  api.request<{ content: Guidelines }>('GET', '/api/guidelines').then(
    (g) => g.content,
    () => undefined,
  );

/** Builds with the guidelines, or without them if the engine refuses them (never leaves the agent without coaching). */
function build(engine: typeof import('@tongli/engine'), guidelines: Guidelines | undefined): Analyzer {
  if (guidelines) {
    try {
      return engine.createAnalyzer({ guidelines });
    } catch (error) {
      console.error('@tongli/web: the guidelines were refused by the engine; coaching with the defaults', error);
    }
  }
  return engine.createAnalyzer();
}

/** Forgets the loaded engine, so the next `loadEngine` builds it with the guidelines saved since (e.g. after editing them). */
export function reloadEngine(): void {
  loading = undefined;
}

/**
 * Loads the analysis engine in the browser (its own chunk), builds the analyzer with the dictionary-free fallback
 * segmenter and the organisation's guidelines (fetched alongside), and warms it up so the first real keystroke is
 * coached as fast as the rest.
 * @example
 * const { analyzer } = await loadEngine();
 */
export function loadEngine(): Promise<LoadedEngine> {
  loading ??= Promise.all([import('@tongli/engine'), organisationGuidelines()]).then(([engine, guidelines]) => {
    const analyzer = build(engine, guidelines);
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
