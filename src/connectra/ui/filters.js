// The filter sidebar: built from GET /{plural}/filters, it holds the conditions and builds `where`.
import { api } from "./api.js";
import { debounce, h } from "./dom.js";

const VALUES_PAGE = 10;
const SEARCH_TYPES = [
  ["shuffle", "All words (shuffle)"],
  ["exact", "Phrase (exact)"],
  ["substring", "Part of a word (substring)"],
];

export class Sidebar {
  // onChange() runs whenever a condition changes.
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    this.changed = debounce(() => onChange(), 350);
    form.addEventListener("submit", (event) => event.preventDefault());  // Enter must not reload
  }

  // entity: its catalogue entry (plural, fields).
  async load(entity) {
    this.entity = entity;
    this.text = {};
    this.keyword = {};
    this.range = {};
    const { data } = await api("GET", `/${entity.plural}/filters`);
    const fields = new Map(entity.fields.map((f) => [f.name, f]));
    const sections = data.map((def) => this.section(def, fields.get(def.key)));
    for (const field of entity.fields.filter((f) => f.kind === "date")) {
      sections.push(this.dateSection(field.name));
    }
    this.form.replaceChildren(...sections);
  }

  clear() {
    this.form.reset();
    for (const state of Object.values(this.keyword)) state.reset();
    for (const details of this.form.querySelectorAll("details")) this.refreshBadge(details);
    this.text = {};
    this.range = {};
    this.onChange();
  }

  section(def, field) {
    const id = `f-${def.key}`;
    const details = h("details.filter", { id, "data-key": def.key },
      h("summary", {}, def.display_name, h("span.badge", { "aria-hidden": "true" })));
    if (def.filter_type === "keyword") this.keywordBody(details, def);
    else if (def.filter_type === "range") this.rangeBody(details, def.key, "number");
    else this.textBody(details, def.key, field);
    return details;
  }

  textBody(details, key, field) {
    const id = `f-${key}`;
    const update = () => {
      const value = input.value.trim();
      fuzzy.disabled = type.value !== "shuffle";  // the server applies fuzziness to shuffle only
      const condition = { value, type: type.value, fuzzy: fuzzy.checked && !fuzzy.disabled };
      if (value) this.text[key] = { ...condition, exclude: exclude.checked };
      else delete this.text[key];
      this.refreshBadge(details);
      this.changed();
    };
    const input = h("input", { id: `${id}-text`, type: "search", oninput: update });
    const types = SEARCH_TYPES.filter(([name]) => name !== "substring" || field?.ngram);
    const type = h("select", { id: `${id}-type`, onchange: update },
      types.map(([value, label]) => h("option", { value }, label)));
    const fuzzy = h("input", { id: `${id}-fuzzy`, type: "checkbox", onchange: update });
    const exclude = h("input", { id: `${id}-exclude`, type: "checkbox", onchange: update });
    details.append(
      h("label", { for: input.id }, "Text"), input,
      h("label", { for: type.id }, "Search type"), type,
      h("div.checks", {}, h("label.inline", {}, fuzzy, " Allow typos"),
        h("label.inline", {}, exclude, " Exclude matches")));
  }

  keywordBody(details, def) {
    const key = def.key;
    const state = { include: new Set(), exclude: new Set(), page: 1, search: "" };
    this.keyword[key] = state;
    const id = `f-${key}`;
    const search = h("input", { id: `${id}-search`, type: "search", placeholder: "Type to search" });
    const mode = h("select", { id: `${id}-mode` },
      h("option", { value: "include" }, "Include selected"),
      h("option", { value: "exclude" }, "Exclude selected"));
    const list = h("ul.values", { "aria-label": `${def.display_name} values` });
    const more = h("button.link", { type: "button", hidden: true }, "More values");
    const selected = () => state[mode.value];
    const fetchPage = async (append) => {
      const body = { filter_key: key, page: state.page, limit: VALUES_PAGE };
      if (state.search) body.search_text = state.search;
      const asked = (state.asked = (state.asked || 0) + 1);  // a late answer must not land
      const { data } = await api("POST", `/${this.entity.plural}/filters/data`, body);
      if (asked !== state.asked) return;
      const items = data.map((item) => this.valueItem(key, item, selected, details));
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      more.hidden = data.length < VALUES_PAGE;
    };
    details.addEventListener("toggle", () => {
      if (details.open && !details.dataset.loaded) {
        details.dataset.loaded = "1";
        fetchPage(false);
      }
    });
    search.addEventListener("input", debounce(() => {
      state.search = search.value.trim();
      state.page = 1;
      fetchPage(false);
    }, 250));
    state.reset = () => {
      state.include.clear();
      state.exclude.clear();
      state.search = "";
      state.page = 1;
      if (details.dataset.loaded) fetchPage(false);
    };
    more.addEventListener("click", () => {
      state.page += 1;
      fetchPage(true);
    });
    mode.addEventListener("change", () => {
      // The checked values move to the other side.
      const [from, to] = mode.value === "include" ? ["exclude", "include"] : ["include", "exclude"];
      for (const value of state[from]) state[to].add(value);
      state[from].clear();
      this.refreshBadge(details);
      this.onChange();
    });
    details.append(
      h("label", { for: search.id }, "Search values"), search,
      h("label", { for: mode.id }, "Mode"), mode, list, more);
  }

  valueItem(key, item, selected, details) {
    const value = String(item.value);
    const state = this.keyword[key];
    const box = h("input", {
      type: "checkbox",
      value,
      checked: state.include.has(value) || state.exclude.has(value),
      onchange: () => {
        if (box.checked) selected().add(value);
        else {
          state.include.delete(value);
          state.exclude.delete(value);
        }
        this.refreshBadge(details);
        this.onChange();
      },
    });
    return h("li", {}, h("label.value", {}, box, h("span", {}, item.display_value ?? value),
      h("span.count", {}, String(item.count))));
  }

  rangeBody(details, key, type) {
    const id = `f-${key}`;
    const bound = (name, label) => {
      const input = h("input", { id: `${id}-${name}`, type, oninput: () => {
        const spec = this.range[key] || {};
        const raw = input.value;
        if (raw === "") delete spec[name];
        else if (type === "number") spec[name] = Number(raw);
        else spec[name] = name === "lte" ? `${raw}T23:59:59.999Z` : raw;
        if (Object.keys(spec).length) this.range[key] = spec;
        else delete this.range[key];
        this.refreshBadge(details);
        this.changed();
      } });
      return [h("label", { for: input.id }, label), input];
    };
    details.append(h("div.range", {}, h("div", {}, bound("gte", "From")), h("div", {}, bound("lte", "To"))));
  }

  dateSection(key) {
    const label = key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    const details = h("details.filter", { id: `f-${key}`, "data-key": key },
      h("summary", {}, label, h("span.badge", { "aria-hidden": "true" })));
    this.rangeBody(details, key, "date");
    return details;
  }

  // Include one value of a keyword filter, as if its box were checked.
  select(key, value) {
    const details = this.form.querySelector(`details[data-key="${CSS.escape(key)}"]`);
    this.keyword[key].include.add(value);
    for (const box of details.querySelectorAll("input[type=checkbox]")) {
      if (box.value === value) box.checked = true;
    }
    this.refreshBadge(details);
    this.onChange();
  }

  refreshBadge(details) {
    const key = details.dataset.key;
    const kw = this.keyword[key];
    let count = kw ? kw.include.size + kw.exclude.size : 0;
    if (this.text[key]) count += 1;
    if (this.range[key]) count += 1;
    details.querySelector(".badge").textContent = count ? String(count) : "";
  }

  // The VQL `where` of the current conditions (undefined when there are none).
  where() {
    const where = {};
    const texts = Object.entries(this.text);
    const cond = ([key, c]) => ({
      text_value: c.value, filter_key: key, search_type: c.type, ...(c.fuzzy ? { fuzzy: true } : {}),
    });
    const must = texts.filter(([, c]) => !c.exclude).map(cond);
    const mustNot = texts.filter(([, c]) => c.exclude).map(cond);
    if (must.length || mustNot.length) where.text_matches = pick({ must, must_not: mustNot });
    const kw = (side) => Object.fromEntries(Object.entries(this.keyword)
      .filter(([, s]) => s[side].size).map(([key, s]) => [key, [...s[side]]]));
    const keyword = pick({ must: kw("include"), must_not: kw("exclude") });
    if (keyword) where.keyword_match = keyword;
    if (Object.keys(this.range).length) where.range_query = { must: structuredClone(this.range) };
    return Object.keys(where).length ? where : undefined;
  }
}

// The object without its empty arrays and objects; undefined when nothing is left.
function pick(object) {
  const kept = Object.entries(object).filter(([, v]) => (Array.isArray(v) ? v.length : Object.keys(v).length));
  return kept.length ? Object.fromEntries(kept) : undefined;
}
