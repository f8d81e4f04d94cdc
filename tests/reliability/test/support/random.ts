/** A small seeded PRNG (mulberry32), so random moments replay from the printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: `ZEN_RELIABILITY_SEED` to replay one, else the fixed default. */
export function suiteSeed(fallback: number): number {
  const given = Number(process.env.ZEN_RELIABILITY_SEED);
  return Number.isInteger(given) && given > 0 ? given : fallback;
}
