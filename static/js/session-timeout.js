// The GOV.UK timeout warning (after HMRC's pattern): a modal dialog shown a set time before
// the idle timeout signs the person out. "Stay signed in" (or Escape) calls the keep-alive
// endpoint, which restarts the server's idle clock; "Sign out" is an ordinary sign-out form.
// The countdown is announced politely: each minute, then every 20 seconds in the last minute.
// Configured by data attributes on <body> (seconds), so no inline script is needed.
(function () {
  "use strict";

  var body = document.body;
  var dialog = document.getElementById("session-timeout-dialog");
  var timeout = Number(body.getAttribute("data-session-timeout-seconds"));
  var warning = Number(body.getAttribute("data-session-warning-seconds"));
  var keepAliveUrl = body.getAttribute("data-session-keep-alive-url");
  if (!dialog || typeof dialog.showModal !== "function" || !(timeout > 0) || !keepAliveUrl) {
    return;
  }
  warning = Math.min(Math.max(warning, 0), timeout);

  var countdown = dialog.querySelector("[data-timeout-countdown]");
  var announcement = dialog.querySelector("[data-timeout-announcement]");
  var stayButton = dialog.querySelector("[data-timeout-keep-alive]");
  var csrfInput = dialog.querySelector("input[name=csrfmiddlewaretoken]");
  var signOutAt = 0;
  var warnTimer = null;
  var endTimer = null;
  var ticker = null;
  var lastAnnounced = "";
  var returnFocusTo = null;

  function plural(count, unit) {
    return count + " " + unit + (count === 1 ? "" : "s");
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((signOutAt - Date.now()) / 1000));
  }

  function visibleText(left) {
    return left > 60 ? plural(Math.ceil(left / 60), "minute") : plural(left, "second");
  }

  function announcedText(left) {
    var rounded = left > 60 ? plural(Math.ceil(left / 60), "minute")
                            : plural(Math.max(Math.ceil(left / 20) * 20, 20), "second");
    return "For your security, we will sign you out in " + rounded + ".";
  }

  function update() {
    var left = secondsLeft();
    countdown.textContent = visibleText(left);
    var text = announcedText(left);
    if (text !== lastAnnounced) {
      lastAnnounced = text;
      announcement.textContent = text;
    }
  }

  function openWarning() {
    returnFocusTo = document.activeElement;
    lastAnnounced = "";
    update();
    dialog.showModal();
    ticker = window.setInterval(update, 1000);
  }

  function closeWarning() {
    window.clearInterval(ticker);
    announcement.textContent = "";
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
  }

  function timedOut() {
    // The server has ended the session by now: loading the page again shows the sign-in page
    // with the reason. A GET of the same address, never a repeated form submission.
    window.location.assign(window.location.href.split("#")[0]);
  }

  function start() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    signOutAt = Date.now() + timeout * 1000;
    warnTimer = window.setTimeout(openWarning, (timeout - warning) * 1000);
    // A second's grace, so the server's clock has certainly passed the limit too.
    endTimer = window.setTimeout(timedOut, timeout * 1000 + 1000);
  }

  function staySignedIn() {
    var headers = { "X-Requested-With": "XMLHttpRequest" };
    if (csrfInput) {
      headers["X-CSRFToken"] = csrfInput.value;
    }
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: headers,
    }).then(function (response) {
      if (response.status === 204) {
        closeWarning();
        start();
      } else {
        timedOut();
      }
    }, timedOut);
  }

  stayButton.addEventListener("click", staySignedIn);
  dialog.addEventListener("cancel", function (event) {
    // Escape means "stay signed in", as in the HMRC pattern.
    event.preventDefault();
    staySignedIn();
  });
  start();
})();
