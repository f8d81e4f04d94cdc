/**
 * The pipeline being built. A builder function runs synchronously, so one slot is enough even with
 * concurrent runs; it lives on `globalThis` so steps from one copy of @zen/core work in another's pipeline.
 */
import type { Step } from "./step.ts";

export interface ActiveBuilder {
  addStep(step: Step, args: unknown[]): unknown;
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
