// The web chat page: asks our Direct Line channel for a token carrying the page's context, then renders the
// official Web Chat client against it (polling, no WebSocket). No inline script: the CSP allows 'self' only.
(function () {
  'use strict';

  var root = document.getElementById('webchat');
  var status = document.getElementById('chat-status');
  var config = JSON.parse(document.getElementById('meethuis-webchat-config').textContent);

  function fail(detail) {
    // Too many chats from this address: say so, so the resident waits instead of giving up on a broken page.
    var limited = detail && detail.error && detail.error.code === 'rate_limited';
    status.textContent = limited ? config.texts.busy : config.texts.error;
    if (window.console) window.console.error('meethuis web chat:', detail);
  }

  if (!window.WebChat) {
    fail('the Web Chat bundle did not load');
    return;
  }

  fetch('/v3/directline/tokens/generate', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'omit',
    body: JSON.stringify({ context: config.context })
  })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw body;
        return body;
      });
    })
    .then(function (grant) {
      // For the integrator: a part of the embed the service could not use (say, a location it does not know).
      if (grant.warnings && window.console) grant.warnings.forEach(function (warning) { window.console.warn('meethuis web chat:', warning); });
      var directLine = window.WebChat.createDirectLine({
        token: grant.token,
        domain: window.location.origin + '/v3/directline',
        webSocket: false
      });
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
