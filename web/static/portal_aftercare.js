// The portal's steps after submitting, besides feedback and review: the notices the petitioner
// was sent (告知书), withdrawing (撤回) and adding information (补充材料). intake's API
// (services/intake/README.md, "Notices"); every text goes through textContent.

import { el, t, when } from "./core.js";

export function noticesSection(notices) {
  const items = notices.map((n) => el("li", { class: `notice-item n-${n.state}`, "data-kind": n.kind },
    el("div", {}, el("b", {}, t(`notice.kind.${n.kind}`)), " ",
      el("span", { class: `badge nb-${n.state}` }, t(`notice.state.${n.state}`)), " ",
      el("small", { class: "muted" }, t(`notice.channel.${n.channel}`), " · ", when(n.issued_at))),
    el("p", { class: "notice-text" }, n.text)));
  return el("section", { id: "notices", "aria-labelledby": "notices-title" }, el("h3", { id: "notices-title" }, t("portal.notices")),
    items.length ? el("ul", { class: "notices" }, items) : el("p", { class: "muted" }, t("portal.notices_none")));
}

export function withdrawForm(onsubmit) {
  const form = el("form", { id: "withdraw-form", class: "card", novalidate: true, onsubmit: (e) => onsubmit(e, form, "withdraw") },
    el("h3", {}, t("portal.withdraw")), el("p", { class: "muted" }, t("portal.withdraw_hint")),
    el("div", { class: "field" }, el("label", { for: "wd-reason" }, t("portal.withdraw_reason")),
      el("textarea", { id: "wd-reason", "data-field": "reason", rows: 2, maxlength: 2000 })),
    el("div", { class: "field" }, el("label", {}, el("input", { type: "checkbox", id: "wd-confirm" }), " ", t("portal.withdraw_confirm"))),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "danger" }, t("portal.withdraw_submit")));
  return form;
}

export function informationForm(onsubmit, count) {
  const form = el("form", { id: "information-form", class: "card", novalidate: true, onsubmit: (e) => onsubmit(e, form, "information") },
    el("h3", {}, t("portal.information")),
    count ? el("p", { class: "muted" }, t("portal.information_count", { n: count })) : null,
    el("div", { class: "field" }, el("label", { for: "in-text" }, t("portal.information_text")),
      el("textarea", { id: "in-text", "data-field": "text", rows: 3, maxlength: 20000 })),
    el("div", { class: "field" }, el("label", { for: "in-name" }, t("portal.attachment_name")),
      el("input", { id: "in-name", "data-field": "attachments.0.name", maxlength: 200 })),
    el("div", { class: "field" }, el("label", { for: "in-url" }, t("portal.attachment_url")),
      el("input", { id: "in-url", "data-field": "attachments.0.url", type: "url", maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("portal.information_submit")));
  return form;
}

/** The request body of the withdraw or information form; null when the withdrawal is not confirmed. */
export function aftercareBody(form, kind) {
  if (kind === "withdraw") {
    if (!form.querySelector("#wd-confirm").checked) return null;
    return { reason: form.querySelector("#wd-reason").value };
  }
  const body = { text: form.querySelector("#in-text").value, attachments: [] };
  const name = form.querySelector("#in-name").value.trim();
  const url = form.querySelector("#in-url").value.trim();
  if (name || url) body.attachments.push({ name, url });
  return body;
}
