// The page of a document being prepared (templates/safeguarding/prepared_document.html): asks
// every few seconds whether it is ready, and shows the page again once it is (or has failed).
// Stops asking after ten minutes; the page's "Check again" link works without JavaScript.
const EVERY_MS = 3000;
const FOR_MS = 10 * 60 * 1000;

for (const element of document.querySelectorAll('[data-module="app-document-status"]')) {
  const started = Date.now();
  const check = async () => {
    try {
      const response = await fetch(element.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const { status } = await response.json();
        if (status !== element.dataset.status && status !== "queued" && status !== "rendering") {
          window.location.reload();
          return;
        }
      }
    } catch {
      // Offline for a moment: ask again next time.
    }
    if (Date.now() - started < FOR_MS) window.setTimeout(check, EVERY_MS);
  };
  window.setTimeout(check, EVERY_MS);
}
