/** Text for an HTML element or a quoted attribute: pages and e-mails build their markup with it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
