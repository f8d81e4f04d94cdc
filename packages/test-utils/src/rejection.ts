/** The error a promise rejects with, for tests that check several of its fields; throws if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: unknown; hint?: unknown }> {
  return promise.then(
    () => {
      throw new Error("Expected a rejection, but the promise resolved.");
    },
    (error: Error & { code?: unknown; hint?: unknown }) => error,
  );
}
