// Runs first thing in <body> (a blocking script, so the page never flashes its no-JavaScript
// layout): marks the page for GOV.UK Frontend's JavaScript-enhanced styles. A file rather than
// GOV.UK's usual inline snippet, because the Content-Security-Policy allows no inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
