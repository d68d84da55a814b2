// The console's entry: sign-in with an API key, then the views by URL hash.
import { api, ApiError, apiKey, clearApiKey, setApiKey } from "./api.js";
import { $, wireDialogs } from "./dom.js";
import { Exporter, JobsView } from "./jobs.js";
import { Records } from "./records.js";
import { SearchView } from "./search.js";

const VIEWS = ["login-view", "search-view", "jobs-view"];
let search;
let jobs;

function showView(id) {
  for (const view of VIEWS) $(`#${view}`).hidden = view !== id;
  const signedIn = id !== "login-view";
  $("#nav").hidden = !signedIn;
  $("#logout").hidden = !signedIn;
}

async function route() {
  if (!apiKey()) {
    showView("login-view");
    $("#api-key").focus();
    return;
  }
  const name = location.hash.slice(1) || "contacts";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.hash === `#${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  $("#app-error").textContent = "";
  if (name === "jobs") {
    showView("jobs-view");
    await jobs.show();
  } else {
    showView("search-view");
    await search.show(name === "companies" ? "company" : "contact");
  }
}

// Whatever fails outside a view's own error handling lands here; a refused key signs out.
function failed(event) {
  event.preventDefault();
  const error = event.reason;
  if (error instanceof ApiError && error.status === 401) signOut("The API key was refused; sign in again.");
  else $("#app-error").textContent = error?.message || String(error);
}

function signOut(message = "") {
  clearApiKey();
  $("#login-error").textContent = message;
  route();
}

async function signIn(event) {
  event.preventDefault();
  const key = $("#api-key").value.trim();
  setApiKey(key);
  try {
    await api("GET", "/contacts/filters");
  } catch (error) {
    clearApiKey();
    $("#login-error").textContent = error.status === 401 ? "That API key was refused." : error.message;
    return;
  }
  $("#api-key").value = "";
  $("#login-error").textContent = "";
  await route();
  $("#main").focus();
}

async function start() {
  wireDialogs();
  const catalogue = await (await fetch("catalogue.json")).json();
  const records = new Records(() => search.refresh(), (uuid) => search.contactsOf(uuid));
  search = new SearchView(catalogue, records, new Exporter());
  jobs = new JobsView();
  $("#login-form").addEventListener("submit", signIn);
  $("#logout").addEventListener("click", () => signOut());
  window.addEventListener("hashchange", route);
  window.addEventListener("unhandledrejection", failed);
  await route();
}

start();
