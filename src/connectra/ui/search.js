// The search page: sidebar, VQL view, results table with sorting, columns and cursor paging.
import { api, ApiError } from "./api.js";
import { $, display, h } from "./dom.js";
import { Sidebar } from "./filters.js";
import { curlSnippet, layout, lineOf, pythonSnippet } from "./vql.js";

const LIMIT = 25;
const DEFAULT_COLUMNS = {
  contact: ["first_name", "last_name", "title", "seniority", "email", "city", "country"],
  company: ["name", "employees_count", "industries", "city", "country", "annual_revenue"],
};
const DEFAULT_SORT = { field: "created_at", desc: true };

export class SearchView {
  // records.open(entity, uuid) shows a record; exporter.start(entity, vql, total) exports.
  constructor(catalogue, records, exporter) {
    this.catalogue = catalogue;
    this.records = records;
    this.exporter = exporter;
    this.sidebar = new Sidebar($("#filters"), () => this.fromSidebar());
    this.perEntity = {};
    this.wire();
  }

  wire() {
    $("#clear-filters").addEventListener("click", () => this.sidebar.clear());
    $("#filters-toggle").addEventListener("click", (event) => {
      const open = $("#sidebar").classList.toggle("open");
      event.target.setAttribute("aria-expanded", String(open));
      event.target.textContent = open ? "Hide filters" : "Show filters";
    });
    $("#populate").addEventListener("change", () => this.fromSidebar());
    $("#prev-page").addEventListener("click", () => this.page(-1));
    $("#next-page").addEventListener("click", () => this.page(1));
    $("#vql-toggle").addEventListener("click", () => this.toggleVql());
    $("#vql-run").addEventListener("click", () => this.runEdited());
    $("#copy-curl").addEventListener("click", () => this.copy("curl"));
    $("#copy-python").addEventListener("click", () => this.copy("python"));
    $("#columns-button").addEventListener("click", () => this.chooseColumns());
    $("#columns-form").addEventListener("submit", () => this.applyColumns());
    $("#export-button").addEventListener("click", () =>
      this.exporter.start(this.entity, this.query, this.total));
    $("#new-record").addEventListener("click", () => this.records.edit(this.entity, null));
    $("#results tbody").addEventListener("keydown", (event) => this.rowKey(event));
  }

  // Per entity: the shown columns and the sort.
  get prefs() {
    const name = this.entity.name;
    this.perEntity[name] ??= { columns: DEFAULT_COLUMNS[name], sort: { ...DEFAULT_SORT } };
    return this.perEntity[name];
  }

  async show(entityName) {
    if (this.entity?.name !== entityName) {
      this.entity = { name: entityName, ...this.catalogue[entityName] };
      const { plural, label } = this.entity;
      $("#search-title").textContent = plural[0].toUpperCase() + plural.slice(1);
      $("#new-record").textContent = `New ${label.toLowerCase()}`;
      $("#populate-wrap").hidden = entityName !== "contact";
      $("#vql-endpoint").textContent = `POST /${this.entity.plural}`;
      $("#export-panel").hidden = true;
      await this.sidebar.load(this.entity);
      this.fromSidebar();
    } else {
      await this.run();  // back on the page: show current data
    }
  }

  // The contacts page filtered to one company (the sidebar's company_id dropdown).
  async contactsOf(companyUuid) {
    await this.show("contact");
    this.sidebar.select("company_id", companyUuid);
    location.hash = "contacts";  // after the switch: its route only reruns the same query
  }

  // The query the sidebar, the columns, the sort and the populate box describe.
  buildQuery() {
    const { columns, sort } = this.prefs;
    const query = {};
    const where = this.sidebar.where();
    if (where) query.where = where;
    query.order_by = [{ order_by: sort.field, order_direction: sort.desc ? "desc" : "asc" }];
    query.select_columns = ["uuid", ...columns.filter((c) => c !== "uuid")];
    query.limit = LIMIT;
    if (this.entity.name === "contact" && $("#populate").checked) {
      query.company_config = { populate: true, select_columns: ["name"] };
    }
    return query;
  }

  fromSidebar() {
    this.setQuery(this.buildQuery());
  }

  setQuery(query) {
    this.query = query;
    this.positions = [{}];
    $("#vql-text").value = JSON.stringify(query, null, 2);
    this.run();
  }

  async run() {
    const path = `/${this.entity.plural}`;
    const body = { ...this.query, ...this.positions.at(-1) };
    const run = (this.runs = (this.runs || 0) + 1);  // only the latest run may render
    this.hideVqlError();
    $("#app-error").textContent = "";
    $("#results").setAttribute("aria-busy", "true");
    try {
      const [list, count] = await Promise.all([
        api("POST", path, body),
        api("POST", `${path}/count`, this.query),
      ]);
      if (run !== this.runs) return;
      this.rows = list.data;
      this.total = count.count;
      this.render();
    } catch (error) {
      if (run === this.runs) this.failed(error);
    } finally {
      if (run === this.runs) $("#results").removeAttribute("aria-busy");
    }
  }

  failed(error) {
    $("#results tbody").replaceChildren();
    $("#total").textContent = "";
    delete $("#total").dataset.count;
    if (!(error instanceof ApiError && error.status === 400)) throw error;  // main.js reports it
    this.showVqlError(error);
  }

  render() {
    const noun = this.total === 1 ? this.entity.name : this.entity.plural;
    $("#total").textContent = `${this.total.toLocaleString("en")} ${noun}`;
    $("#total").dataset.count = String(this.total);
    this.renderHead();
    this.renderBody();
    const page = this.positions.length;
    const last = (page - 1) * this.limit + this.rows.length;
    $("#page-label").textContent = this.rows.length
      ? `Page ${page} · ${((page - 1) * this.limit + 1).toLocaleString("en")}–${last.toLocaleString("en")}`
      : `Page ${page} · no records`;
    $("#prev-page").disabled = page === 1;
    $("#next-page").disabled = this.rows.length < this.limit || last >= this.total;
  }

  get limit() {
    return Number(this.query.limit) > 0 ? Math.min(Number(this.query.limit), 100) : LIMIT;
  }

  // Columns shown: those selected by the query (else the chooser's), plus the populated company.
  get shownColumns() {
    const selected = this.query.select_columns?.length
      ? this.query.select_columns : this.prefs.columns;
    return selected.filter((c) => c !== "uuid");
  }

  renderHead() {
    const sortable = new Set(this.entity.fields.filter((f) => f.sortable).map((f) => f.name));
    const sort = this.query.order_by?.[0];
    const cells = this.shownColumns.map((column) => {
      const label = column.replace(/_/g, " ");
      if (!sortable.has(column)) return h("th", { scope: "col" }, label);
      const active = sort?.order_by === column;
      const desc = active && sort.order_direction === "desc";
      return h("th", { scope: "col", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
        h("button.sort", { type: "button", onclick: () => this.sortBy(column) },
          label, h("span", { "aria-hidden": "true" }, active ? (desc ? " ▼" : " ▲") : " ↕")));
    });
    if (this.query.company_config?.populate) cells.push(h("th", { scope: "col" }, "company"));
    $("#results thead").replaceChildren(h("tr", {}, cells));
  }

  renderBody() {
    const columns = this.shownColumns;
    const populate = this.query.company_config?.populate;
    const numbers = new Set(this.entity.columns.filter((c) => c.type === "bigint" && c.name !== "id").map((c) => c.name));
    const cell = (c, value) => (numbers.has(c) && typeof value === "number"
      ? h("td.number", {}, value.toLocaleString("en")) : h("td", {}, display(value)));
    const rows = this.rows.map((row) => {
      const cells = columns.map((c) => cell(c, row[c]));
      if (populate) cells.push(h("td", {}, display(row.company?.name)));
      return h("tr", {
        tabindex: "-1",
        "data-uuid": row.uuid || "",
        onclick: () => row.uuid && this.records.open(this.entity, row.uuid),
      }, cells);
    });
    if (rows.length) rows[0].tabIndex = 0;  // one tab stop for the table; arrows move within
    $("#results tbody").replaceChildren(...rows);
  }

  // Arrow keys move between rows; Enter opens the focused record.
  rowKey(event) {
    const row = event.target.closest("tr");
    if (!row) return;
    const body = row.parentElement;
    const moves = {
      ArrowDown: row.nextElementSibling, ArrowUp: row.previousElementSibling,
      Home: body.firstElementChild, End: body.lastElementChild,
    };
    if (event.key in moves) {
      const target = moves[event.key];
      if (target) {
        row.tabIndex = -1;
        target.tabIndex = 0;
        target.focus();
      }
      event.preventDefault();
    } else if (event.key === "Enter" && row.dataset.uuid) {
      this.records.open(this.entity, row.dataset.uuid);
    }
  }

  sortBy(column) {
    const sort = this.prefs.sort;
    sort.desc = sort.field === column ? !sort.desc : false;
    sort.field = column;
    const query = { ...this.query, order_by: [{ order_by: column, order_direction: sort.desc ? "desc" : "asc" }] };
    this.setQuery(query);
  }

  // Next follows the last row's cursor (or the page number when the query is unsorted).
  page(step) {
    if (step < 0) this.positions.pop();
    else {
      const cursor = this.rows.at(-1)?.cursor;
      this.positions.push(cursor ? { cursor } : { page: this.positions.length + 1 });
    }
    this.run();
  }

  toggleVql() {
    const panel = $("#vql-panel");
    panel.hidden = !panel.hidden;
    $("#vql-toggle").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      $("#vql-text").setSelectionRange(0, 0);
      $("#vql-text").focus();
    }
  }

  runEdited() {
    let query;
    try {
      query = JSON.parse($("#vql-text").value);
    } catch (error) {
      this.showVqlError(new ApiError(0, { error: `invalid JSON: ${error.message}` }));
      return;
    }
    this.query = query;
    this.positions = [{}];
    this.run();
  }

  showVqlError(error) {
    $("#vql-panel").hidden = false;
    $("#vql-toggle").setAttribute("aria-expanded", "true");
    $("#vql-error").hidden = false;
    const path = error.path;
    $("#vql-error-message").textContent = path ? `${error.message} (at ${path})` : error.message;
    const context = $("#vql-error-context");
    context.replaceChildren();
    if (!path) return;
    const { lines, paths } = layout(this.query);
    const line = lineOf(paths, path);
    if (line < 0) return;
    context.append(...lines.map((text, i) =>
      i === line ? h("mark", { "data-path": path }, `${text}\n`) : `${text}\n`));
    $("#vql-text").value = lines.join("\n");
    const start = lines.slice(0, line).join("\n").length + (line ? 1 : 0);
    $("#vql-text").setSelectionRange(start, start + lines[line].length);
  }

  hideVqlError() {
    $("#vql-error").hidden = true;
  }

  async copy(kind) {
    const path = `/${this.entity.plural}`;
    const text = kind === "curl" ? curlSnippet(path, this.query) : pythonSnippet(this.entity.plural, this.query);
    const status = $("#copy-status");
    status.dataset.copied = text;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Copying is blocked here; the snippet is in the console.";
      console.log(text);
    }
  }

  chooseColumns() {
    const chosen = new Set(this.prefs.columns);
    const boxes = this.entity.columns.filter((c) => c.name !== "deleted_at").map((c) =>
      h("label.inline", {}, h("input", { type: "checkbox", name: "column", value: c.name, checked: chosen.has(c.name) }),
        ` ${c.name.replace(/_/g, " ")}`));
    const list = $("#columns-list");
    list.replaceChildren(list.querySelector("legend"), ...boxes);
    $("#columns-dialog").showModal();
  }

  applyColumns() {
    const boxes = $("#columns-list").querySelectorAll("input:checked");
    const columns = [...boxes].map((box) => box.value);
    if (columns.length) this.prefs.columns = columns;
    this.fromSidebar();
  }

  // After a write: the page may have changed.
  refresh() {
    this.run();
  }
}
