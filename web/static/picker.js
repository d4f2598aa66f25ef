// The place picker: a chain of selects down the division tree, and a search by name (杭坪 finds the
// township). Only the public tree API is used: /v1/divisions?parent= (cached for the session).

import { api, el, named, t } from "./core.js";
import { searchDivisions } from "./logic.js";

const CACHE = "pujiang.divisions.v1";
const SEARCHED_LEVELS = new Set(["province", "city", "county", "township"]);

export class DivisionPicker {
  /** `root` gets the picker; `onChange(division|null)` hears every choice. */
  constructor(root, { id, onChange = () => {} }) {
    this.root = root;
    this.id = id;
    this.onChange = onChange;
    this.children = new Map(JSON.parse(sessionStorage.getItem(CACHE) || "[]"));
    this.byCode = new Map();
    for (const list of this.children.values()) for (const d of list) this.byCode.set(d.code, d);
    this.value = null;
    this.indexed = null;
    this.render();
  }

  render() {
    const searchId = `${this.id}-search`;
    this.search = el("input", {
      id: searchId, type: "search", autocomplete: "off", "data-field": "division_code",
      "aria-controls": `${this.id}-results`, "data-i18n-placeholder": "portal.place_search",
      placeholder: t("portal.place_search"), oninput: () => this.find(),
    });
    this.results = el("ul", { id: `${this.id}-results`, class: "results", "aria-live": "polite" });
    this.chain = el("div", { class: "chain" });
    this.chosen = el("p", { class: "chosen", "aria-live": "polite", tabindex: -1 });
    this.root.replaceChildren(
      el("div", { class: "field" },
        el("label", { for: searchId, "data-i18n": "portal.place_search" }, t("portal.place_search")), this.search),
      this.results, this.chain, this.chosen,
    );
    this.refreshChosen();
    this.extend(null, 0);
  }

  async list(parent) {
    const key = parent || "";
    if (!this.children.has(key)) {
      const body = await api("routing", "v1/divisions", { params: parent ? { parent } : {} });
      this.children.set(key, body.divisions);
      for (const d of body.divisions) this.byCode.set(d.code, d);
      try {
        sessionStorage.setItem(CACHE, JSON.stringify([...this.children]));
      } catch { /* a full storage only costs a refetch */ }
    }
    return this.children.get(key);
  }

  /** The select at `depth` listing the children of `parent`; deeper selects are removed. */
  async extend(parent, depth) {
    [...this.chain.children].slice(depth).forEach((n) => n.remove());
    const options = await this.list(parent);
    if (!parent && options.length === 1) {
      this.top = options[0].code; // one province: nothing to choose there
      return this.extend(this.top, depth);
    }
    if (!options.length) return null;
    const selectId = `${this.id}-level-${depth}`;
    const level = options[0].level;
    const select = el("select", { id: selectId, "data-parent": parent || "", onchange: () => this.picked(depth, select.value) },
      el("option", { value: "" }, depth ? t("portal.any") : t("portal.choose")),
      ...options.map((d) => el("option", { value: d.code }, named(d))));
    this.chain.append(el("div", { class: "field" },
      el("label", { for: selectId, "data-i18n": `portal.${level}` }, t(`portal.${level}`)), select));
    return select;
  }

  /** The select at `depth` now says `code` ("" for none finer): the choice is the deepest one made. */
  async picked(depth, code, announce = true) {
    const select = this.chain.children[depth]?.querySelector("select");
    if (select && select.value !== code) select.value = code;
    const parent = select?.dataset.parent;
    this.value = code ? this.byCode.get(code) : depth > 0 && parent ? this.byCode.get(parent) : null;
    this.refreshChosen();
    if (announce) this.onChange(this.value);
    if (code && this.value.level !== "village") await this.extend(code, depth + 1);
    else [...this.chain.children].slice(depth + 1).forEach((n) => n.remove());
  }

  /** Chooses `code` from anywhere: every select down to it is set. */
  async choose(code) {
    const path = [];
    for (let d = this.byCode.get(code); d && d.code !== this.top; d = d.parent ? this.byCode.get(d.parent) : null) path.unshift(d.code);
    for (const [depth, step] of path.entries()) {
      if (!this.chain.children[depth]) await this.extend(depth ? path[depth - 1] : null, depth);
      await this.picked(depth, step, depth === path.length - 1);
    }
    this.results.replaceChildren();
    this.search.value = "";
    this.chosen.focus?.();
  }

  /** Loads the tree down to townships once, so a search finds any of them by name. */
  index() {
    this.indexed ??= (async () => {
      const counties = [];
      for (const province of await this.list(null)) {
        for (const city of await this.list(province.code)) counties.push(...(await this.list(city.code)));
      }
      for (let i = 0; i < counties.length; i += 8) {
        await Promise.all(counties.slice(i, i + 8).map((c) => this.list(c.code)));
        this.find(false);
      }
    })();
    return this.indexed;
  }

  find(load = true) {
    const query = this.search.value;
    if (load) this.index().then(() => this.find(false));
    const pool = [...this.byCode.values()].filter((d) => SEARCHED_LEVELS.has(d.level) || d.parent === this.value?.code);
    const found = searchDivisions(pool, query, 12);
    const path = (d) => {
      const names = [];
      for (let p = d.parent ? this.byCode.get(d.parent) : null; p && p.level !== "province"; p = p.parent ? this.byCode.get(p.parent) : null) names.unshift(named(p));
      return names.join(" · ");
    };
    this.results.replaceChildren(...(query.trim() && !found.length ? [el("li", { class: "muted" }, t(this.indexed ? "portal.no_match" : "portal.searching"))] : []),
      ...found.map((d) => el("li", {}, el("button", { type: "button", class: "result", onclick: () => this.choose(d.code) },
        el("b", {}, named(d)), " ", el("span", { class: "muted" }, path(d))))));
  }

  refreshChosen() {
    this.chosen.textContent = this.value ? t("portal.place_chosen", { name: `${named(this.value)} (${this.value.code})` }) : t("portal.place_none");
  }

  relabel() {
    this.refreshChosen();
    for (const option of this.chain.querySelectorAll("option[value]")) {
      const d = this.byCode.get(option.value);
      if (d) option.textContent = named(d);
    }
    this.chain.querySelectorAll("option[value='']").forEach((o, i) => { o.textContent = i ? t("portal.any") : t("portal.choose"); });
    if (this.search.value) this.find(false);
  }
}
