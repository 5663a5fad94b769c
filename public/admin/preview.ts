// The survey editor's preview: the real bot on the organisation's draft, in the web chat page framed from
// /admin/preview. The frame says when it is ready (again after its own language links reload it); the admin page then
// asks the API for a preview conversation and hands it over. Nothing said in it is stored as a response.
import type { TApiClient } from '../shared/api';

const PREVIEW_READY = 'meethuis-preview-ready';
const PREVIEW_MESSAGE = 'meethuis-preview';

interface TPreviewGrant {
  token: string;
  conversationId: string;
}

export interface TPreviewOptions {
  api: TApiClient;
  organisation: string;
  /** The language the chat starts in. */
  language: string;
  /** The frame's accessible name. */
  title: string;
  /** Where a refusal (say, a draft whose structure cannot run) is told. */
  onError: (error: unknown) => void;
}

/** Opens (or restarts) the preview in `container`; returns a function that closes it. */
export function openPreview(container: HTMLElement, options: TPreviewOptions): () => void {
  const frame = document.createElement('iframe');
  frame.src = `/admin/preview?lang=${encodeURIComponent(options.language)}`;
  frame.title = options.title;
  frame.className = 'preview-frame';
  const onMessage = (event: MessageEvent<unknown>) => {
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    if ((event.data as { type?: unknown } | null)?.type !== PREVIEW_READY) return;
    // The frame's own language, after a language link inside it reloaded it.
    const language = new URL(frame.contentWindow?.location.href ?? frame.src, location.origin).searchParams.get('lang') ?? options.language;
    options.api
      .post<TPreviewGrant>(`/organisations/${encodeURIComponent(options.organisation)}/survey/preview`, { language })
      .then((grant) => frame.contentWindow?.postMessage({ type: PREVIEW_MESSAGE, token: grant.token, conversationId: grant.conversationId }, location.origin))
      .catch(options.onError);
  };
  window.addEventListener('message', onMessage);
  container.replaceChildren(frame);
  return () => {
    window.removeEventListener('message', onMessage);
    frame.remove();
  };
}
