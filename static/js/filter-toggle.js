// "Show filters" on small screens (templates/includes/filter_panel.html): below GOV.UK's tablet
// breakpoint a list's filters are folded behind a button, so the list itself comes first.
// Without JavaScript, or on a wider screen, the filters are always shown.
const SMALL_SCREEN = window.matchMedia("(max-width: 40.0525em)");

function setUp(panel) {
  const content = panel.querySelector(".app-filter__content");
  const heading = panel.querySelector(".app-filter__heading");
  if (!content || !heading) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary app-filter__toggle";
  button.setAttribute("aria-controls", content.id);
  heading.after(button);

  let open = panel.dataset.open === "true";
  const render = () => {
    const folded = SMALL_SCREEN.matches && !open;
    content.hidden = folded;
    button.hidden = !SMALL_SCREEN.matches;
    heading.hidden = SMALL_SCREEN.matches;
    button.setAttribute("aria-expanded", String(!folded));
    button.textContent = folded ? "Show filters" : "Hide filters";
  };
  button.addEventListener("click", () => {
    open = !open;
    render();
  });
  SMALL_SCREEN.addEventListener("change", render);
  render();
}

document.querySelectorAll('[data-module="app-filter-toggle"]').forEach(setUp);
