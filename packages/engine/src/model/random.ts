/**
 * mulberry32: a small seeded generator. The engine's only randomness (training shuffles) goes through
 * it, so every run with the same seed gives the same model.
 *
 * @example const random = createRandom(1); random(); // 0.627…
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
