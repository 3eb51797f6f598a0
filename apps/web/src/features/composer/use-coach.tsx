import type { CoachResult, CustomerAnalysis } from '@tongli/engine';
import { useEffect, useRef, useState } from 'react';
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
 * Coaches the draft in the browser: keystrokes within one animation frame are coalesced into one engine call, so a
 * hint is on screen by the next frame.
 */
export function useCoach(engine: LoadedEngine | undefined, draft: string, context: CoachContext): Coaching {
  const [coaching, setCoaching] = useState<Coaching>({ result: null, ms: null });
  const contextRef = useRef(context);
  contextRef.current = context;
  useEffect(() => {
    if (!engine) return;
    if (draft.trim() === '') {
      setCoaching({ result: null, ms: null });
      return;
    }
    const frame = requestAnimationFrame(() => {
      const started = performance.now();
      const { customer, customerAnalysis, customerName, previousAgentTurns } = contextRef.current;
      const result = engine.analyzer.coach(draft, {
        ...(customerAnalysis ? { customerAnalysis } : customer ? { customer } : {}),
        ...(customerName ? { customerName } : {}),
        ...(previousAgentTurns ? { previousAgentTurns } : {}),
      });
      setCoaching({ result, ms: performance.now() - started });
    });
    return () => cancelAnimationFrame(frame);
  }, [engine, draft]);
  return coaching;
}
