// One record: the drawer that shows it in full, the create/edit form, delete with confirmation.
import { api, ApiError } from "./api.js";
import { $, display, h } from "./dom.js";

const HIDDEN_ON_FORM = new Set(["uuid"]);

export class Records {
  // onWrite() runs after a create, update or delete; showContacts(uuid) lists a company's people.
  constructor(onWrite, showContacts) {
    this.onWrite = onWrite;
    $("#company-contacts").addEventListener("click", () => {
      $("#drawer").close();
      showContacts(this.record.uuid);
    });
    $("#edit-record").addEventListener("click", () => {
      $("#drawer").close();
      this.edit(this.entity, this.record);
    });
    $("#delete-record").addEventListener("click", () => this.confirmDelete());
    $("#confirm-yes").addEventListener("click", () => this.delete());
    $("#record-form").addEventListener("submit", (event) => this.save(event));
  }

  label(entity, record) {
    if (entity.name === "company") return record.name || record.uuid;
    return [record.first_name, record.last_name].filter(Boolean).join(" ") || record.email || record.uuid;
  }

  async open(entity, uuid) {
    this.entity = entity;
    const { data } = await api("GET", `/${entity.plural}/${uuid}`);
    this.record = data;
    const items = entity.columns.filter((c) => c.name in data).map((c) =>
      [h("dt", {}, c.name.replace(/_/g, " ")), h("dd", {}, display(data[c.name]))]);
    const body = $("#drawer-body");
    body.replaceChildren(...items.flat());
    if (entity.name === "contact" && data.company_id) {
      body.append(h("dt", {}, "company"), h("dd", {}, h("div.company", { id: "drawer-company" }, "…")));
      this.showCompany(data.company_id);
    }
    $("#company-contacts").hidden = entity.name !== "company";
    $("#drawer-title").textContent = this.label(entity, data);
    $("#drawer").showModal();
  }

  async showCompany(uuid) {
    const target = $("#drawer-company");
    try {
      const { data } = await api("GET", `/companies/${uuid}`);
      const rows = Object.entries(data).map(([k, v]) => [h("dt", {}, k.replace(/_/g, " ")), h("dd", {}, display(v))]);
      target.replaceChildren(h("dl", {}, rows.flat()));
    } catch (error) {
      target.textContent = error instanceof ApiError && error.status === 404 ? "not found" : error.message;
    }
  }

  // The form for a new record (record null) or an existing one.
  edit(entity, record) {
    this.entity = entity;
    this.editing = record;
    const noun = entity.label.toLowerCase();
    $("#form-title").textContent = record ? `Edit ${this.label(entity, record)}` : `New ${noun}`;
    $("#form-error").textContent = "";
    const fields = entity.columns.filter((c) => !c.system && !HIDDEN_ON_FORM.has(c.name));
    const required = new Set(entity.required);
    $("#form-fields").replaceChildren(...fields.map((c) => this.field(c, record, required.has(c.name))));
    $("#form-dialog").showModal();
  }

  // One labelled input; the server checks it (the form does not validate, so its errors show).
  field(column, record, required) {
    const id = `field-${column.name}`;
    const value = record ? record[column.name] : undefined;
    const attrs = { id, name: column.name, required, "aria-describedby": `${id}-error` };
    if (column.type === "bigint") Object.assign(attrs, { type: "number", min: "0", step: "1" });
    else Object.assign(attrs, { type: column.name === "email" ? "email" : "text" });
    attrs.value = String(Array.isArray(value) ? value.join(", ") : value ?? "").trim();
    attrs["data-initial"] = attrs.value;
    const hint = column.type === "text[]" ? h("span.hint", {}, " (comma-separated)") : "";
    return h("div.field", {},
      h("div.field-head", {}, h("label", { for: id }, column.name.replace(/_/g, " "), hint),
        required ? h("span.required", { "aria-hidden": "true" }, "required") : ""),
      h("input", attrs),
      h("span.field-error", { id: `${id}-error` }));
  }

  // The form's values as a write body; an edit sends only what changed.
  body() {
    const body = {};
    const types = new Map(this.entity.columns.map((c) => [c.name, c.type]));
    for (const input of $("#form-fields").querySelectorAll("input")) {
      const raw = input.value.trim();
      const changed = this.editing ? raw !== input.dataset.initial : raw !== "";
      if (changed) body[input.name] = parse(types.get(input.name), raw);
    }
    return body;
  }

  async save(event) {
    event.preventDefault();
    this.clearErrors();
    const plural = this.entity.plural;
    try {
      const { data } = this.editing
        ? await api("PUT", `/${plural}/${this.editing.uuid}`, this.body())
        : await api("POST", `/${plural}/create`, this.body());
      $("#form-dialog").close();
      this.onWrite();
      await this.open(this.entity, data.uuid);
    } catch (error) {
      this.showError(error);
    }
  }

  clearErrors() {
    $("#form-error").textContent = "";
    for (const node of $("#form-fields").querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    for (const node of $("#form-fields").querySelectorAll(".field-error")) node.textContent = "";
  }

  // A server error naming a path (e.g. "email" or "departments[1]") lands on that field.
  showError(error) {
    const name = error instanceof ApiError ? error.path.split(/[.[]/)[0] : "";
    const input = name && $(`#field-${CSS.escape(name)}`);
    if (!input) {
      $("#form-error").textContent = error.message;
      return;
    }
    input.setAttribute("aria-invalid", "true");
    $(`#field-${CSS.escape(name)}-error`).textContent = error.message;
    input.focus();
  }

  confirmDelete() {
    $("#confirm-text").textContent = `Delete ${this.label(this.entity, this.record)}? This cannot be undone here.`;
    $("#confirm-dialog").showModal();
  }

  async delete() {
    $("#confirm-dialog").close();
    try {
      await api("DELETE", `/${this.entity.plural}/${this.record.uuid}`);
      $("#drawer").close();
      this.onWrite();
    } catch (error) {
      $("#drawer-title").textContent = error.message;
    }
  }
}

// A form field's text as the JSON value its column takes.
function parse(type, raw) {
  if (type === "text[]") return raw ? raw.split(",").map((v) => v.trim()).filter(Boolean) : [];
  if (type === "bigint") return raw === "" ? null : Number(raw);
  return raw;
}
