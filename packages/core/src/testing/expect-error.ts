/**
 * Error assertions shared by the conformance suites. Errors are matched by their `code`, not by
 * class: a component built against another copy of @zen/core throws that copy's classes.
 */
import { expect } from "@jest/globals";

export function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export interface ExpectedError {
  /** Text the message must contain (e.g. the missing name). */
  mentions?: string;
  /** Text that must appear nowhere in the message or hint (e.g. a secret value). */
  hides?: string;
}

/** Awaits `promise`, expects it to reject with a ZenError of `code`, and returns the error. */
export async function expectRejection(
  promise: Promise<unknown> | (() => Promise<unknown>),
  code: string,
  expected: ExpectedError = {},
): Promise<Error & { code?: string; hint?: string }> {
  let caught: unknown;
  let rejected = false;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    caught = error;
    rejected = true;
  }
  expect({ rejected, code: errorCode(caught), message: (caught as Error | undefined)?.message }).toMatchObject({ rejected: true, code });
  return checked(caught, expected);
}

/** The `mentions` / `hides` checks both helpers make on the caught error. */
function checked(caught: unknown, expected: ExpectedError): Error & { code?: string; hint?: string } {
  const error = caught as Error & { code?: string; hint?: string };
  if (expected.mentions !== undefined) expect(error.message).toContain(expected.mentions);
  if (expected.hides !== undefined) {
    expect(error.message).not.toContain(expected.hides);
    expect(String(error.hint ?? "")).not.toContain(expected.hides);
  }
  return error;
}

/** Like `expectRejection`, for synchronous code. */
export function expectThrow(run: () => unknown, code: string, expected: ExpectedError = {}): Error & { code?: string; hint?: string } {
  let caught: unknown;
  let threw = false;
  try {
    run();
  } catch (error) {
    caught = error;
    threw = true;
  }
  expect({ threw, code: errorCode(caught), message: (caught as Error | undefined)?.message }).toMatchObject({ threw: true, code });
  return checked(caught, expected);
}

/** A short random suffix, so suites sharing a real backend (a database, a vault) never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}
