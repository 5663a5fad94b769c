/** Where each kind of caller is answered; the server picks the error shape and the API's headers by these. */

/** The API's base path: what the OpenAPI document's server is, and every API route's prefix. */
export const API_BASE = '/api/v1';
/** The version of the API, in full, as every API response's `API-Version` header says it. */
export const API_VERSION = '1.4.0';
/** The prefix the first clients were given; its paths answer the same, as deprecated aliases. */
export const DEPRECATED_API_BASE = '/api';
/** The Bot Framework's endpoint (Teams, Azure Bot Service): under /api, but not part of the API. */
export const BOT_ENDPOINT = '/api/messages';
/** The local Direct Line 3.0 channel of the web chat. */
export const DIRECTLINE_PREFIX = '/v3/directline';

/** Paths that speak a chat protocol (Direct Line, Bot Framework), whose errors keep that protocol's shape. */
export function speaksChatProtocol(path: string): boolean {
  return path === BOT_ENDPOINT || path.startsWith(`${DIRECTLINE_PREFIX}/`);
}

/** The staff and analyst API, under its base path or the deprecated alias. */
export function isApiPath(path: string): boolean {
  return path.startsWith(`${DEPRECATED_API_BASE}/`) && !speaksChatProtocol(path);
}
