import { useEffect, useState } from 'react';
import { loadEngine, type LoadedEngine } from './engine.js';

/** The browser engine once loaded (undefined until then); loading starts after the first paint. */
export function useEngine(): LoadedEngine | undefined {
  const [engine, setEngine] = useState<LoadedEngine>();
  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => {
      loadEngine().then(
        (loaded) => alive && setEngine(loaded),
        (error: unknown) => console.error('@tongli/web: the coaching engine failed to load', error),
      );
    }, 0);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  return engine;
}
