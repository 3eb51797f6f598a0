import type { CoachResult, CustomerAnalysis } from '@tongli/engine';
import { useMemo, useRef } from 'react';
import type { LoadedEngine } from './engine.js';

export interface CoachContext {
  /** The customer message being answered. */
  customer?: string;
  /** Its analysis from the server, when there is one (saves the browser the work). */
  customerAnalysis?: CustomerAnalysis;
  customerName?: string;
  previousAgentTurns?: readonly string[];
}

export interface Coaching {
  result: CoachResult | null;
  /** Milliseconds the last coach call took in this browser. */
  ms: number | null;
}

/**
 * Coaches the draft in the browser while the keystroke is rendered: the engine takes well under a millisecond, so the
 * hint is committed with the character itself and painted in the same frame (waiting for the next animation frame
 * instead would add up to 16 ms).
 */
export function useCoach(engine: LoadedEngine | undefined, draft: string, context: CoachContext): Coaching {
  const contextRef = useRef(context);
  contextRef.current = context;
  return useMemo<Coaching>(() => {
    if (!engine || draft.trim() === '') return { result: null, ms: null };
    const started = performance.now();
    const { customer, customerAnalysis, customerName, previousAgentTurns } = contextRef.current;
    const result = engine.analyzer.coach(draft, {
      ...(customerAnalysis ? { customerAnalysis } : customer ? { customer } : {}),
      ...(customerName ? { customerName } : {}),
      ...(previousAgentTurns ? { previousAgentTurns } : {}),
    });
    return { result, ms: performance.now() - started };
  }, [engine, draft]);
}
