// The API client: the key from session storage in X-API-Key, errors as ApiError.
import { sleep } from "./dom.js";

const KEY = "connectra.apiKey";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.error || body.message)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  // The JSON path the server names (details.path), or "" when it names none.
  get path() {
    const details = this.body.details;
    return (details && typeof details === "object" && details.path) || "";
  }
}

export const apiKey = () => sessionStorage.getItem(KEY);
export const setApiKey = (key) => sessionStorage.setItem(KEY, key);
export const clearApiKey = () => sessionStorage.removeItem(KEY);



// One request; a 429 is retried once after the server's Retry-After.
export async function api(method, path, body, retried = false) {
  const headers = { "X-API-Key": apiKey() || "" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 429 && !retried) {
    await sleep(1000 * Number(response.headers.get("Retry-After") || 1));
    return api(method, path, body, true);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok && response.status !== 207) throw new ApiError(response.status, data);
  return data;
}

// The absolute URL of an API path, for copyable snippets.
export const apiUrl = (path) => new URL(path, location.origin).href;
