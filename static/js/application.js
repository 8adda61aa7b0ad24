// GOV.UK Frontend's components, started on every page.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
