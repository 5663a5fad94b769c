// The web chat page: asks our Direct Line channel for a token carrying the page's context (or, after a reload, renews
// the tab's own and reconnects), then renders the official Web Chat client (polling, no WebSocket). No inline script:
// the CSP allows 'self' only.
(function () {
  'use strict';

  var root = document.getElementById('webchat');
  var status = document.getElementById('chat-status');
  var config = JSON.parse(document.getElementById('meethuis-webchat-config').textContent);

  // The tab's own copy of its conversation: a reload reconnects and shows the history; a closed tab forgets it, so
  // the next person at a shared computer starts afresh. Keyed by the page's query: another language is another chat.
  var CHAT_KEY = 'meethuis-chat:' + window.location.search;
  var REFRESH_EVERY_MS = 10 * 60 * 1000;
  var FAILED_TO_CONNECT = 4;

  function fail(detail) {
    var code = detail && detail.error && detail.error.code;
    // An embed that names an organisation or service we do not have: the integrator reads why in the console; the
    // resident is not told that something is broken, only that the chat is not set up here.
    var notSetUp = code === 'unknown_organisation' || code === 'unknown_service';
    // Too many chats from this address: say so, so the resident waits instead of giving up on a broken page.
    status.textContent = notSetUp ? config.texts.notSetUp : code === 'rate_limited' ? config.texts.busy : config.texts.error;
    if (window.console) window.console.error('meethuis web chat:', (detail && detail.error && detail.error.message) || detail);
  }

  function remembered() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(CHAT_KEY) || 'null');
      return saved && typeof saved.conversationId === 'string' && typeof saved.token === 'string' ? saved : null;
    } catch {
      return null;
    }
  }
  function remember(chat) {
    try {
      window.sessionStorage.setItem(CHAT_KEY, JSON.stringify({ conversationId: chat.conversationId, token: chat.token }));
    } catch {
      // Storage may be off (a private window): the chat works, a reload starts a new one.
    }
  }
  function forget() {
    try {
      window.sessionStorage.removeItem(CHAT_KEY);
    } catch {
      // Nothing was kept.
    }
  }

  function post(path, token, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch('/v3/directline/' + path, { method: 'POST', headers: headers, credentials: 'omit', body: JSON.stringify(body || {}) }).then(
      function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw answer;
          return answer;
        });
      }
    );
  }

  function newChat() {
    // The one-time link's holder: the first browser to open a link keeps a random secret for it, so that this
    // browser, and no other, can open the link again and continue.
    var context = config.context;
    if (context.followUpLink) context = Object.assign({}, context, { linkHolder: linkHolderFor(context.followUpLink) });
    return post('tokens/generate', null, { context: context }).then(function (grant) {
      return { conversationId: grant.conversationId, token: grant.token, resumed: false, warnings: grant.warnings };
    });
  }

  function resumedChat(saved) {
    return post('tokens/refresh', saved.token).then(function (grant) {
      return { conversationId: saved.conversationId, token: grant.token, resumed: true };
    });
  }

  var LINK_KEY_PREFIX = 'meethuis-link:';

  /** Forgets the secrets of links that have expired by now: a link holds its browser only while it works. */
  function forgetExpiredLinks() {
    try {
      var oldest = Date.now() - config.linkTtlHours * 3600 * 1000;
      for (var index = window.localStorage.length - 1; index >= 0; index -= 1) {
        var key = window.localStorage.key(index);
        if (!key || key.indexOf(LINK_KEY_PREFIX) !== 0) continue;
        var kept = JSON.parse(window.localStorage.getItem(key) || 'null');
        if (!kept || typeof kept.since !== 'number' || kept.since < oldest) window.localStorage.removeItem(key);
      }
    } catch {
      // Storage off or unreadable: nothing kept to forget.
    }
  }

  function linkHolderFor(link) {
    var key = LINK_KEY_PREFIX + link.slice(0, 24);
    try {
      var kept = JSON.parse(window.localStorage.getItem(key) || 'null');
      if (kept && typeof kept.holder === 'string') return kept.holder;
    } catch {
      // Unreadable: a new holder.
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var holder = Array.prototype.map.call(bytes, function (byte) { return ('0' + byte.toString(16)).slice(-2); }).join('');
    try {
      window.localStorage.setItem(key, JSON.stringify({ holder: holder, since: Date.now() }));
    } catch {
      // Storage off: this browser can open the link once.
    }
    return holder;
  }

  /** Keeps the tab's token alive while it is open, so that a reload after a long pause still reconnects. */
  function keepFresh(chat) {
    window.setInterval(function () {
      post('tokens/refresh', chat.token)
        .then(function (grant) {
          chat.token = grant.token;
          remember(chat);
        })
        .catch(function () {
          // The next reload starts a new chat.
        });
    }, REFRESH_EVERY_MS);
  }

  if (!window.WebChat) {
    fail('the Web Chat bundle did not load');
    return;
  }

  forgetExpiredLinks();
  var saved = remembered();
  (saved ? resumedChat(saved).catch(newChat) : newChat())
    .then(function (chat) {
      // For the integrator: a part of the embed the service could not use (say, a location it does not know).
      if (chat.warnings && window.console) chat.warnings.forEach(function (warning) { window.console.warn('meethuis web chat:', warning); });
      remember(chat);
      keepFresh(chat);
      var directLine = window.WebChat.createDirectLine({
        token: chat.token,
        // A reconnect (GET conversations/{id}) replays the conversation from its start: the history is shown.
        conversationId: chat.resumed ? chat.conversationId : undefined,
        domain: window.location.origin + '/v3/directline',
        webSocket: false
      });
      if (chat.resumed) {
        directLine.connectionStatus$.subscribe(function (connectionStatus) {
          // The conversation is gone (it never started, or ended): start afresh rather than show an empty chat.
          if (connectionStatus === FAILED_TO_CONNECT) {
            forget();
            window.location.reload();
          }
        });
      }
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          locale: config.webchatLocale,
          overrideLocalizedStrings: config.texts.webchat,
          nonce: config.nonce,
          sendTypingIndicator: false,
          styleOptions: {
            accent: '#154273',
            primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
            fontSizeSmall: '85%',
            bubbleBackground: '#f2f2f2',
            bubbleTextColor: '#1a1a1a',
            bubbleBorderRadius: 8,
            bubbleFromUserBackground: '#154273',
            bubbleFromUserTextColor: '#ffffff',
            bubbleFromUserBorderRadius: 8,
            botAvatarInitials: 'M',
            botAvatarBackgroundColor: '#154273',
            hideUploadButton: true,
            suggestedActionLayout: 'flow',
            suggestedActionBackgroundColor: '#ffffff',
            suggestedActionBorderColor: '#154273',
            suggestedActionBorderWidth: 2,
            suggestedActionTextColor: '#154273',
            suggestedActionHeight: 44,
            sendBoxButtonColor: '#154273',
            sendBoxTextColor: '#1a1a1a',
            transcriptVisualKeyboardIndicatorColor: '#154273',
            subtle: '#4a4a4a',
            timestampColor: '#4a4a4a'
          }
        },
        root
      );
      status.textContent = '';
    })
    .catch(fail);
})();
