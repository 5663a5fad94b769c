// Building the page from data: text is only ever set as textContent, so a name typed somewhere by a resident or an
// organisation can never run as markup or script.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | number | null, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** Shows a message in an element, or hides the element when there is none. */
export function show(target: HTMLElement, text: string | null | undefined): void {
  target.textContent = text ?? '';
  target.hidden = !text;
}

/** Fills a table with a header row and the rows given, replacing what it held. */
export function fillTable(table: HTMLElement, headers: string[], rows: HTMLTableRowElement[]): void {
  const head = element('thead');
  const headRow = element('tr');
  for (const header of headers) headRow.append(element('th', header));
  head.append(headRow);
  const body = element('tbody');
  body.append(...rows);
  table.replaceChildren(head, body);
}
