/**
 * The username/password login of a multi-user Kubeflow: the Kubeflow gateway (oidc-authservice or
 * oauth2-proxy in front of Dex) redirects an unauthenticated request to Dex's login form; posting the
 * form leads back through the gateway's callback, which sets the session cookie (`authservice_session`
 * or `oauth2_proxy_kubeflow`). The KFP API then accepts that cookie, as `kfp.Client(cookies=…)` sends
 * it. The flow is followed by hand (manual redirects) to collect the cookies on the way.
 */
import { ZenError } from "@zen/core/flavor";

export interface KfpCredentials {
  username: string;
  password: string;
}

const MAX_HOPS = 20;

/** Cookies by name, from `Set-Cookie` headers (attributes dropped: every cookie goes back to the same gateway). */
function collect(jar: Map<string, string>, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0]!;
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

export function cookieHeader(jar: ReadonlyMap<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** The action of the page's password form (resolved against the page), or undefined when it has none. */
function loginFormAction(html: string, page: string): string | undefined {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  if (!form || !/name=["']?password/i.test(form)) return undefined;
  const action = /\baction=["']([^"']*)["']/i.exec(form)?.[1]?.replace(/&amp;/g, "&");
  return new URL(action || page, page).toString();
}

const loginError = (host: string, message: string, hint?: string) =>
  new ZenError(`The Kubeflow login at ${host} failed: ${message}`, {
    code: "ZEN_KFP_AUTH",
    hint: hint ?? "Check the orchestrator's username and password secrets, or use a bearer token (token={{<secret>.token}}).",
  });

/**
 * Logs in with Dex's form and resolves with the session cookies. Starts at `start` (the KFP API URL,
 * behind the gateway) and follows redirects; Dex's connector choice (`…/auth`) is answered with its
 * `local` (static password) connector.
 */
export async function kubeflowLogin(start: string, credentials: KfpCredentials, fetchImpl: typeof fetch = fetch): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const host = new URL(start).origin;
  let url = start;
  let init: RequestInit = { method: "GET" };
  let posted = false;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(jar) } });
    } catch (error) {
      throw new ZenError(`The Kubeflow login at ${host} cannot be reached.`, {
        code: "ZEN_KFP_UNREACHABLE",
        hint: "Check the orchestrator's kubeflow_hostname and that this machine reaches it.",
        cause: error,
      });
    }
    collect(jar, response);
    init = { method: "GET" };
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url).toString();
      continue;
    }
    const page = new URL(url);
    if (response.status === 200 && /\/auth$/.test(page.pathname)) {
      // Dex asks which connector to use: the static-password one is `local`.
      await response.body?.cancel();
      page.pathname = `${page.pathname}/local`;
      url = page.toString();
      continue;
    }
    const html = await response.text();
    const action = response.status === 200 ? loginFormAction(html, url) : undefined;
    if (action !== undefined) {
      if (posted) throw loginError(host, "the username or password was not accepted.");
      posted = true;
      url = action;
      init = {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login: credentials.username, password: credentials.password }).toString(),
      };
      continue;
    }
    if (!posted) {
      throw loginError(
        host,
        `it showed no login form (HTTP ${response.status} at ${page.pathname}).`,
        "Use a bearer token (token={{<secret>.token}}) when Kubeflow's gateway has no Dex login form.",
      );
    }
    if (jar.size === 0) throw loginError(host, "it set no session cookie.");
    return jar;
  }
  throw loginError(host, `more than ${MAX_HOPS} redirects.`);
}
