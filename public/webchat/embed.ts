// Embeds the Meethuis web chat in a municipality's page:
//   <script src="https://chat.example.nl/webchat/embed.js" data-organisation="demo" data-service="paspoort"
//           data-location="Bonaire" data-lang="pap" data-title="Vragenlijst" async></script>
// It adds an iframe of the chat page after itself; the chat's origin must list the page's origin in EMBED_ORIGINS.
const script = document.currentScript as HTMLScriptElement | null;
if (script?.parentNode) {
  const params = new URLSearchParams();
  for (const name of ['organisation', 'service', 'location', 'lang', 'link']) {
    const value = script.getAttribute(`data-${name}`);
    if (value) params.set(name, value);
  }
  const frame = document.createElement('iframe');
  frame.src = `${new URL(script.src).origin}/?${params.toString()}`;
  frame.title = script.getAttribute('data-title') || 'Meethuis chat';
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.style.width = '100%';
  frame.style.height = script.getAttribute('data-height') || '42rem';
  frame.style.border = '0';
  script.parentNode.insertBefore(frame, script.nextSibling);
}
