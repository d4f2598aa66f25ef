// The workbench's 并案 card: merge a suggested similar matter into the case on screen, list what is
// merged into it, undo a merge before the lead is accepted. Routing decides (docs/lifecycle.md,
// "Similar matters of different people merged"); intake only suggests.

import { clearErrors, el, t } from "./core.js";

const LEADS = ["assigned", "accepted"];

function reasonForm(id, submitText, onReason) {
  const form = el("form", { class: "action", id, novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    clearErrors(form);
    onReason(form, form.querySelector(`#${id}-reason`).value);
  } },
    el("div", { class: "field" }, el("label", { for: `${id}-reason` }, t("similar.merge_reason"), el("span", { class: "req", "aria-hidden": "true" }, " *")),
      el("input", { id: `${id}-reason`, "data-field": "reason", required: true, maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit" }, submitText));
  return form;
}

/** Suggestions (intake's), each with a merge form while this case may lead; merged cases; an undo. */
export function mergeCard(doc, similar, deps) {
  const suggestions = doc.merged_into ? [] : similar || [];
  const merged = doc.merged_cases || [];
  if (!suggestions.length && !merged.length && !doc.merged_into) return null;
  const parts = [el("h2", {}, t("similar.title"))];
  if (suggestions.length) {
    parts.push(el("p", { class: "muted" }, t("similar.hint")), el("ul", {}, suggestions.map((s) => el("li", {},
      el("a", { href: `#/case/${s.case_id}`, class: "code" }, s.tracking_code), " ", s.title, " ",
      el("small", { class: "muted" }, `${t(`status.${s.status}`)} · ${s.division_code} · ${t("similar.score", { n: Math.round(s.score * 100) })}`),
      LEADS.includes(doc.status) && s.status === "assigned"
        ? reasonForm(`merge-${s.case_id}`, t("similar.merge"), (form, reason) =>
          deps.command(form, "merge", { case_ids: [s.case_id], reason }, t("similar.done_merge")))
        : null))));
  }
  if (merged.length) {
    parts.push(el("h3", {}, t("similar.merged_cases")),
      el("ul", {}, merged.map((id) => el("li", {}, el("a", { href: `#/case/${id}`, class: "code" }, id)))));
  }
  if (doc.merged_into) {
    parts.push(el("p", {}, el("a", { href: `#/case/${doc.merged_into}` }, t("similar.merged_into", { case: doc.merged_into }))),
      reasonForm("unmerge", t("similar.unmerge"), (form, reason) =>
        deps.command(form, "unmerge", { reason }, t("similar.done_unmerge"))));
  }
  return el("section", { class: "card", id: "similar" }, ...parts);
}
