/**
 * mulberry32: a small, well-known generator with a 32-bit state, for data that must come out the same on every run
 * (sample data, benchmarks, test fixtures). Repeatability, not quality: nothing secret is ever drawn from it.
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
