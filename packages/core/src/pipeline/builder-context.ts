/**
 * The pipeline being built. A builder function runs synchronously, so one slot is enough even with
 * concurrent runs; it lives on `globalThis` so steps from one copy of @zen/core work in another's pipeline.
 * It imports nothing: step.ts reads the slot and plan.ts fills it.
 */

/** What steps call while a pipeline is being built (plan.ts implements it for its `Step`s). */
export interface ActiveBuilder {
  addStep(step: object, args: unknown[]): unknown;
}

const SLOT = Symbol.for("@zen/core.pipelineBuilder");
type Holder = Record<symbol, ActiveBuilder | undefined>;

export function currentBuilder(): ActiveBuilder | undefined {
  return (globalThis as unknown as Holder)[SLOT];
}

export function withBuilder<T>(builder: ActiveBuilder, body: () => T): T {
  const holder = globalThis as unknown as Holder;
  const previous = holder[SLOT];
  holder[SLOT] = builder;
  try {
    return body();
  } finally {
    holder[SLOT] = previous;
  }
}
