import { describe, expect, it } from "@jest/globals";
import { ZenError } from "../src/errors.ts";
import { MASK, maskSecrets, redact, redactError } from "../src/secrets/mask.ts";

describe("maskSecrets", () => {
  it("keeps references in secret fields and masks any other value", () => {
    const config = {
      host: "db.local",
      password: "{{mysql.password}}",
      token: "literal-token",
      port_secret: 1234,
      nested: { a: 1 },
      empty: "",
    };
    const masked = maskSecrets(config, ["password", "token", "port_secret", "nested", "empty", "absent"]);
    expect(masked).toEqual({
      host: "db.local",
      password: "{{mysql.password}}",
      token: MASK,
      port_secret: MASK,
      nested: MASK,
      empty: MASK,
    });
    expect(MASK).toBe("****");
    expect("absent" in masked).toBe(false);
    expect(config.token).toBe("literal-token");
  });

  it("leaves non-secret fields, and unset secret fields, as they are", () => {
    const config = { path: "/data", key: undefined, secret: null, other: "{{looks.like}}" };
    expect(maskSecrets(config, ["key", "secret"])).toEqual(config);
  });
});

describe("redact", () => {
  it("replaces every occurrence of every secret value", () => {
    expect(redact("login root:hunter2@db failed; retry with hunter2", ["hunter2", "root"])).toBe("login ****:****@db failed; retry with ****");
  });

  it("scrubs a secret containing another one whole", () => {
    expect(redact("key=abc123xyz", ["abc", "abc123xyz"])).toBe("key=****");
  });

  it("scrubs URL-encoded and JSON-escaped forms too", () => {
    const secret = 'p@ss/w"rd\n';
    const text = `url=mysql://u:${encodeURIComponent(secret)}@h body=${JSON.stringify({ password: secret })}`;
    const result = redact(text, [secret]);
    expect(result).toBe('url=mysql://u:****@h body={"password":"****"}');
  });

  it("ignores empty secrets and leaves text without secrets unchanged", () => {
    expect(redact("nothing to hide", ["", "absent"])).toBe("nothing to hide");
    expect(redact("nothing to hide", [])).toBe("nothing to hide");
  });
});

describe("redactError", () => {
  it("scrubs message, hint, stack and causes in place", () => {
    const cause = new Error("driver said: bad password s3cr3t");
    const error = new ZenError("Could not connect with password s3cr3t.", { hint: "Check s3cr3t.", cause });
    expect(redactError(error, ["s3cr3t"])).toBe(error);
    expect(error.message).toBe("Could not connect with password ****.");
    expect(error.hint).toBe("Check ****.");
    expect(error.stack).not.toContain("s3cr3t");
    expect(cause.message).toBe("driver said: bad password ****");
    expect(cause.stack).not.toContain("s3cr3t");
  });

  it("returns non-errors unchanged", () => {
    expect(redactError("s3cr3t", ["s3cr3t"])).toBe("s3cr3t");
  });
});
