// A page about work going on on a worker (a statistics export being made,
// templates/analytics/export_status.html; an import of records, import_job.html): every few
// seconds it fetches itself again and copies the new progress into the page (read out by the
// role="status" region); once the work is no longer pending (the element's data-pending lists
// the pending statuses), it shows the page again. No <meta> refresh: a page that reloads by
// itself fails WCAG 2.2.1. Stops after ten minutes; the page's "Check again" link works
// without JavaScript.
const EVERY_MS = 2000;
const FOR_MS = 10 * 60 * 1000;

for (const element of document.querySelectorAll('[data-module="app-export-status"]')) {
  const started = Date.now();
  const pending = (element.dataset.pending || "queued rendering").split(" ");
  const check = async () => {
    try {
      const response = await fetch(window.location.href, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        const now = fresh.querySelector('[data-module="app-export-status"]');
        if (!now || now.dataset.status !== element.dataset.status) {
          if (!now || !pending.includes(now.dataset.status)) {
            window.location.reload();
            return;
          }
          element.dataset.status = now.dataset.status;
        }
        for (const part of element.querySelectorAll("[data-export-progress]")) {
          const update = now.querySelector(`[data-export-progress="${part.dataset.exportProgress}"]`);
          if (!update) continue;
          if (part.tagName === "PROGRESS") {
            part.value = update.value;
            part.max = update.max;
          } else if (part.textContent !== update.textContent) {
            part.textContent = update.textContent;
          }
        }
      }
    } catch {
      // Offline for a moment: ask again next time.
    }
    if (Date.now() - started < FOR_MS) window.setTimeout(check, EVERY_MS);
  };
  window.setTimeout(check, EVERY_MS);
}
