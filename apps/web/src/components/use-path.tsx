import { useCallback, useEffect, useState } from 'react';

/** The location's path and a `navigate` that pushes a new one (a router small enough for the few scenes). */
export function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: string) => {
    if (next === location.pathname) return;
    history.pushState(null, '', next);
    setPath(next);
  }, []);
  return [path, navigate];
}
