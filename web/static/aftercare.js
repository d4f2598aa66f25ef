// The workbench's cards for what follows a decision: the petitioner's notices (letters to print,
// failed ones to send again), callbacks (回访), a cadre's withdrawal (撤回). Notices are intake's
// (services/intake/README.md), callbacks and withdrawal routing's (docs/lifecycle.md).

import { clearErrors, el, showErrors, t, when } from "./core.js";

const GRADES = ["satisfied", "basically_satisfied", "dissatisfied"];
const CADRE_CHANNELS = ["door_to_door", "proxy"];
const OPEN = ["submitted", "assigned", "accepted", "resolved", "under_review", "under_re_review"];

/** The printable letter, fetched with the official's token (a plain link would not carry it), in a new tab. */
async function openLetter(noticeId, token) {
  const response = await fetch(`/api/intake/v1/notices/${noticeId}/letter`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
  window.open(url, "_blank", "noopener");
}

function noticeActions(n, deps) {
  const buttons = [];
  if (n.channel === "letter" && n.state === "awaiting_print") {
    buttons.push(el("button", { type: "button", class: "ghost", onclick: () => openLetter(n.notice_id, deps.token()).catch((e) => deps.flash(e.message)) }, t("notice.print")));
    buttons.push(el("button", { type: "button", class: "primary", onclick: () => deps.notice(n.notice_id, "printed") }, t("notice.printed")));
  }
  if (n.state === "failed") {
    buttons.push(el("button", { type: "button", class: "primary", onclick: () => deps.notice(n.notice_id, "retry") }, t("notice.retry")));
  }
  return buttons;
}

/** The case's notices as the read model has them (projections), with what an official can do about each. */
export function noticesCard(doc, deps) {
  const notices = doc.notices || [];
  const items = notices.map((n) => el("li", { class: `notice-item n-${n.state}`, "data-notice": n.notice_id },
    el("div", {}, el("b", {}, t(`notice.kind.${n.kind}`)), " · ", t(`notice.channel.${n.channel}`), " · ",
      el("span", { class: `badge nb-${n.state}` }, t(`notice.state.${n.state}`)),
      n.attempts ? el("small", { class: "muted" }, " ", t("notice.attempts", { n: n.attempts })) : null),
    el("p", { class: "notice-text" }, n.text),
    el("div", { class: "row-actions" }, noticeActions(n, deps))));
  return el("section", { class: "card", id: "notices" }, el("h2", {}, t("notice.title")),
    items.length ? el("ul", { class: "notices" }, items) : el("p", { class: "muted" }, t("notice.none")));
}

/** The list view's "notices to handle": failed deliveries and letters waiting to be printed (intake, in scope). */
export function attentionTable(notices, deps) {
  if (!notices.length) return el("p", { class: "muted", id: "attention-none" }, t("notice.attention_none"));
  return el("ul", { class: "notices", id: "attention" }, notices.map((n) => el("li", { class: `notice-item n-${n.state}` },
    el("div", {}, el("a", { href: `#/case/${n.case_id}`, class: "code" }, n.tracking_code), " ",
      el("b", {}, t(`notice.kind.${n.kind}`)), " · ", t(`notice.channel.${n.channel}`), " · ",
      el("span", { class: `badge nb-${n.state}` }, t(`notice.state.${n.state}`)), " ", el("small", { class: "muted" }, when(n.issued_at))),
    n.last_error ? el("p", { class: "muted" }, t("notice.last_error"), n.last_error) : null,
    el("div", { class: "row-actions" }, noticeActions(n, deps)))));
}

/** Callbacks after a reply: the record so far, and the form (shown once the case has a reply). */
export function callbackCard(doc, reasons, deps) {
  const done = (doc.callbacks || []).map((c) => el("li", {},
    el("time", { datetime: c.time }, when(c.time)), " ", t(`callback.${c.method}`), " · ",
    c.reached ? t(`callback.grade.${c.satisfaction}`) : t("callback.not_reached"),
    c.reasons?.length ? el("small", { class: "muted" }, " (", c.reasons.map((r) => t(`callback.reason.${r}`)).join("、"), ")") : null,
    c.comment ? el("p", { class: "muted" }, c.comment) : null));
  const body = [el("h2", {}, t("callback.title")), el("p", { class: "muted" }, t("callback.hint"))];
  body.push(done.length ? el("ol", { class: "timeline" }, done) : el("p", { class: "muted" }, t("callback.none")));
  if (doc.resolved_at && (doc.status === "resolved" || doc.status === "closed")) body.push(callbackForm(doc, reasons, deps));
  return el("section", { class: "card", id: "callbacks" }, ...body);
}

function callbackForm(doc, reasons, deps) {
  const radio = (name, value, label, checked) =>
    el("label", {}, el("input", { type: "radio", name, value, checked, "data-field": checked ? name : null }), " ", label);
  const form = el("form", { class: "action", id: "action-callback", novalidate: true, onsubmit: (e) => sendCallback(e, form, doc, deps) },
    el("fieldset", { class: "choices-inline" }, el("legend", {}, t("callback.method")),
      radio("method", "phone", t("callback.phone"), true), radio("method", "visit", t("callback.visit"), false)),
    el("div", { class: "field" }, el("label", {}, el("input", { type: "checkbox", name: "reached", id: "cb-reached", checked: true }), " ", t("callback.reached"))),
    el("fieldset", { class: "choices-inline", "data-field": "satisfaction" }, el("legend", {}, t("callback.satisfaction")),
      GRADES.map((g) => radio("satisfaction", g, t(`callback.grade.${g}`), false))),
    el("fieldset", { class: "choices-inline", "data-field": "reasons" }, el("legend", {}, t("callback.reasons")),
      reasons.reasons.map((r) => el("label", {}, el("input", { type: "checkbox", name: "reasons", value: r }), " ", t(`callback.reason.${r}`)))),
    el("div", { class: "field" }, el("label", { for: "cb-comment" }, t("callback.comment")),
      el("textarea", { id: "cb-comment", "data-field": "comment", rows: 2, maxlength: 2000 })),
    el("p", { class: "muted" }, t("callback.tries", { n: reasons.tries_before_no_feedback })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("callback.record")));
  return form;
}

async function sendCallback(event, form, doc, deps) {
  event.preventDefault();
  clearErrors(form);
  const reached = form.querySelector("#cb-reached").checked;
  const grade = form.querySelector("input[name=satisfaction]:checked");
  const body = {
    method: form.querySelector("input[name=method]:checked").value,
    reached,
    satisfaction: reached && grade ? grade.value : null,
    reasons: [...form.querySelectorAll("input[name=reasons]:checked")].map((i) => i.value),
    comment: form.querySelector("#cb-comment").value,
  };
  await deps.command(form, "callbacks", body, t("callback.done"));
}

/** A cadre's withdrawal of a door-to-door or proxy petition, with the petitioner's consent. */
export function withdrawCard(doc, deps) {
  if (!CADRE_CHANNELS.includes(doc.channel) || !OPEN.includes(doc.status)) return null;
  const form = el("form", { class: "action", id: "action-withdraw", novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    clearErrors(form);
    deps.command(form, "withdraw", { consent: form.querySelector("#wd-consent").value, reason: form.querySelector("#wd-reason").value }, t("withdraw.done"));
  } },
    el("div", { class: "field" }, el("label", { for: "wd-consent" }, t("withdraw.consent"), el("span", { class: "req", "aria-hidden": "true" }, " *")),
      el("input", { id: "wd-consent", "data-field": "consent", required: true, maxlength: 2000 })),
    el("div", { class: "field" }, el("label", { for: "wd-reason" }, t("withdraw.reason")),
      el("textarea", { id: "wd-reason", "data-field": "reason", rows: 2, maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "danger" }, t("withdraw.submit")));
  return el("section", { class: "card", id: "withdraw" }, el("h2", {}, t("withdraw.title")), el("p", { class: "muted" }, t("withdraw.hint")), form);
}

export { showErrors };
