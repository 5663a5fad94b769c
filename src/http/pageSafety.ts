import type { Response } from './server';

/** Headers every page and page asset carries: no content sniffing, no referrer leaving the service. */
export const PAGE_SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/**
 * For a page that loads only its own files and talks only to this origin, that nothing may frame: no inline script
 * or style at all (texts arrive as data and are set with textContent; styles set through the DOM are allowed).
 */
export const OWN_FILES_ONLY_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setPageSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) res.header(name, value);
}

export { escapeHtml } from '../kernel/html';

/** JSON inside <script type="application/json">: no `</script>`, no HTML comment openers, no JS line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
