/* global window, sessionStorage, location */
/*
 * Reloads the page when one of its own scripts or style sheets failed to load before the console
 * started (a host whose addresses change — a Berth node starting pods — makes chromium fail the
 * requests under way, which would leave a blank page). At most three reloads in a row; main.tsx
 * clears the count once the console runs.
 */
(function () {
  var key = 'berth-boot-reloads';
  window.addEventListener(
    'error',
    function (e) {
      var el = e.target;
      if (!el || (el.tagName !== 'SCRIPT' && el.tagName !== 'LINK')) return;
      if (window.berthStarted) return;
      var n = Number(sessionStorage.getItem(key) || '0');
      if (n >= 3) return;
      sessionStorage.setItem(key, String(n + 1));
      setTimeout(
        function () {
          if (!window.berthStarted) location.reload();
        },
        500 * (n + 1),
      );
    },
    true,
  );
})();
