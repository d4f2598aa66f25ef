// The petitioner's portal (mobile first): submit, keep the codes, follow, give feedback, ask for review,
// read the notices sent, add information, withdraw.

import {
  $, api, applyLanguage, clearErrors, el, installLanguageSwitch, loadConfig, named, now, page, showErrors,
  syncClock, t, when,
} from "./core.js";
import { countdownText, stepText } from "./logic.js";
import { DivisionPicker } from "./picker.js";
import { aftercareBody, informationForm, noticesSection, withdrawForm } from "./portal_aftercare.js";
import { installReceptions, renderReceptions, showReceptions } from "./portal_receptions.js";

const state = { categories: [], picker: null, idempotencyKey: crypto.randomUUID(), last: null, followed: null, attachments: 0, coPetitioners: 0 };
const VIEWS = ["home", "submit", "done", "follow", "receptions"];

function show(view) {
  for (const name of VIEWS) $(`#view-${name}`).hidden = name !== view;
  $("#main").focus({ preventScroll: true });
}

async function route() {
  const [, view = "", arg] = location.hash.split("/");
  if (view === "submit") {
    show("submit");
    await prepareSubmit();
  } else if (view === "receptions") {
    show("receptions");
    await showReceptions();
  } else if (view === "done" && state.last) {
    show("done");
  } else if (view === "follow") {
    show("follow");
    if (arg) {
      $("#f-tracking").value = decodeURIComponent(arg);
      const remembered = sessionStorage.getItem(`pujiang.access.${arg}`);
      if (remembered) {
        $("#f-access").value = remembered;
        await follow();
      } else {
        $("#f-access").focus();
      }
    }
  } else {
    show("home");
  }
}

// ---- submitting ------------------------------------------------------------------------------
async function prepareSubmit() {
  if (!state.categories.length) {
    const body = await api("routing", "v1/categories");
    state.categories = body.categories;
    renderCategories();
  }
  state.picker ??= new DivisionPicker($("#place"), { id: "place" });
}

function renderCategories() {
  const select = $("#category");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, t("portal.choose")),
    ...state.categories.map((c) => el("option", { value: c.key }, named(c))));
  select.value = chosen;
  renderRedirect();
}

function renderRedirect() {
  const category = state.categories.find((c) => c.key === $("#category").value);
  const notice = $("#redirect-notice");
  notice.hidden = !category || category.accepted;
  if (!notice.hidden) {
    notice.replaceChildren(el("p", {}, el("b", {}, t("portal.redirect_notice")), named(category, "redirect")),
      el("p", {}, t("portal.redirect_continue")));
  }
}

function addAttachment() {
  const index = state.attachments++;
  const row = el("div", { class: "attachment", "data-index": index },
    el("div", { class: "field" }, el("label", { for: `att-name-${index}` }, t("portal.attachment_name")),
      el("input", { id: `att-name-${index}`, "data-field": `attachments.${index}.name`, maxlength: 200 })),
    el("div", { class: "field" }, el("label", { for: `att-url-${index}` }, t("portal.attachment_url")),
      el("input", { id: `att-url-${index}`, type: "url", "data-field": `attachments.${index}.url`, maxlength: 2000 })),
    el("button", { type: "button", class: "ghost", onclick: () => row.remove() }, t("portal.remove")));
  $("#attachments").append(row);
  row.querySelector("input").focus();
}

function addCoPetitioner() {
  const index = state.coPetitioners++;
  const row = el("div", { class: "attachment co-petitioner", "data-index": index },
    el("div", { class: "field" }, el("label", { for: `co-name-${index}` }, t("portal.co_name")),
      el("input", { id: `co-name-${index}`, "data-field": `co_petitioners.${index}.name`, maxlength: 100, autocomplete: "off" })),
    el("div", { class: "field" }, el("label", { for: `co-phone-${index}` }, t("portal.co_phone")),
      el("input", { id: `co-phone-${index}`, type: "tel", inputmode: "tel", "data-field": `co_petitioners.${index}.phone`, autocomplete: "off" })),
    el("button", { type: "button", class: "ghost", onclick: () => row.remove() }, t("portal.remove")));
  $("#co-petitioners").append(row);
  row.querySelector("input").focus();
}

function petitionBody() {
  const attachments = [...document.querySelectorAll("#attachments .attachment")].map((row) => ({
    name: row.querySelector("[data-field$='.name']").value.trim(),
    url: row.querySelector("[data-field$='.url']").value.trim(),
  })).filter((a) => a.name || a.url);
  const body = {
    channel: "online",
    division_code: state.picker?.value?.code ?? "",
    category: $("#category").value,
    title: $("#title").value,
    content: $("#content").value,
    petitioner: { name: $("#name").value.trim(), phone: $("#phone").value.trim(), anonymous: $("#anonymous").checked },
    attachments,
  };
  const id = $("#id-number").value.trim();
  if (id) body.petitioner.id_number = id;
  // A joint petition (联名): the other signers as rows, numbered as sent, and the number of people.
  const signers = [...document.querySelectorAll("#co-petitioners .co-petitioner")];
  const named = signers.map((row) => ({
    row, name: row.querySelector("[data-field$='.name']").value.trim(), phone: row.querySelector("[data-field$='.phone']").value.trim(),
  })).filter((s) => s.name || s.phone);
  if (named.length) body.co_petitioners = named.map(({ name, phone }) => ({ name, phone }));
  named.forEach(({ row }, i) => {
    row.querySelector("[data-field$='.name']").dataset.field = `co_petitioners.${i}.name`;
    row.querySelector("[data-field$='.phone']").dataset.field = `co_petitioners.${i}.phone`;
  });
  const headcount = $("#headcount").value.trim();
  if (headcount) body.headcount = Number(headcount);
  // The attachments sent are numbered as sent: the rows' data-field names must match.
  document.querySelectorAll("#attachments .attachment").forEach((row, i) => {
    row.querySelector("[data-field$='.name']").dataset.field = `attachments.${i}.name`;
    row.querySelector("[data-field$='.url']").dataset.field = `attachments.${i}.url`;
  });
  return body;
}

async function submit(event) {
  event.preventDefault();
  const form = $("#submit-form");
  const button = $("#send");
  clearErrors(form);
  button.disabled = true;
  button.textContent = t("portal.sending");
  try {
    const answer = await api("intake", "v1/petitions", {
      method: "POST", body: petitionBody(), headers: { "idempotency-key": state.idempotencyKey },
    });
    state.idempotencyKey = crypto.randomUUID(); // the next petition is a new one
    state.last = answer;
    sessionStorage.setItem(`pujiang.access.${answer.tracking_code}`, answer.access_code);
    renderDone();
    form.reset();
    $("#attachments").replaceChildren();
    $("#co-petitioners").replaceChildren();
    location.hash = "#/done";
  } catch (failure) {
    showErrors(form, failure);
  } finally {
    button.disabled = false;
    button.textContent = t("portal.send");
  }
}

function renderDone() {
  const answer = state.last;
  $("#done-tracking").textContent = answer.tracking_code;
  $("#done-access").textContent = answer.access_code;
  $("#duplicate").hidden = !answer.duplicate_of;
  const qr = $("#done-qr");
  qr.src = `/qr/${encodeURIComponent(answer.tracking_code)}.svg`;
  qr.alt = `${t("portal.qr")}: ${answer.tracking_code}`;
}

// ---- following -------------------------------------------------------------------------------
async function loadNotices() {
  const { code, access } = state.followed;
  const found = await api("intake", `v1/petitions/${encodeURIComponent(code)}/notices`, { params: { access_code: access } }).catch(() => null);
  state.followed.notices = found?.notices || [];
}

async function follow(event) {
  event?.preventDefault();
  const form = $("#follow-form");
  clearErrors(form);
  const code = $("#f-tracking").value.trim().toUpperCase();
  const access = $("#f-access").value.trim();
  try {
    const view = await api("intake", `v1/petitions/${encodeURIComponent(code)}`, { params: { access_code: access } });
    sessionStorage.setItem(`pujiang.access.${code}`, access);
    state.followed = { code, access, view, notices: [] };
    await loadNotices();
    renderProgress();
  } catch (failure) {
    const extra = failure.status === 404 ? [t("portal.not_found")] : failure.status === 429 ? [t("portal.throttled")] : [];
    $("#progress").hidden = true;
    showErrors(form, failure, extra);
  }
}

function row(label, value) {
  return el("div", {}, el("dt", {}, label), el("dd", {}, value ?? "—"));
}

function renderProgress() {
  const { view } = state.followed;
  const box = $("#progress");
  box.hidden = false;
  const deadlines = view.deadlines.filter((d) => d.state !== "stopped");
  const parts = [
    el("h2", {}, view.title || view.tracking_code),
    el("dl", { class: "facts" },
      row(t("portal.tracking_code"), el("code", {}, view.tracking_code)),
      row(t("portal.status"), el("span", { class: `status s-${view.status}` }, t(`status.${view.status}`))),
      row(t("case.round"), t(`round.${view.round}`)),
      row(t("portal.level"), view.level ? t(`level.${view.level}`) : "—"),
      row(t("portal.unit"), view.handling_unit),
      row(t("portal.submitted_at"), when(view.submitted_at))),
  ];
  if (view.headcount > 1) parts.push(el("p", { class: "notice" }, t("portal.headcount_shown", { n: view.headcount })));
  if (view.redirect_to) parts.push(el("p", { class: "notice" }, el("b", {}, t("portal.redirected")), view.redirect_to));
  if (deadlines.length) {
    parts.push(el("h3", {}, t("portal.deadlines")), el("ul", { class: "deadlines" }, deadlines.map((d) =>
      el("li", { class: `clock c-${d.state}` }, el("b", {}, t(`clock.${d.kind}`)), " ", when(d.due), " · ",
        d.state === "paused" ? t("clock.paused") : countdownText(page.lang, d.due, now())))));
  }
  if (view.reply) {
    parts.push(el("h3", {}, t("portal.reply")), el("blockquote", { class: "reply" }, view.reply.text),
      el("p", { class: "muted" }, when(view.reply.given_at)));
  }
  if (view.may?.give_feedback) parts.push(feedbackForm());
  if (view.may?.request_review) parts.push(reviewForm(view));
  parts.push(noticesSection(state.followed.notices || []));
  if (view.may?.add_information) parts.push(informationForm(answer, view.information_added));
  if (view.may?.withdraw) parts.push(withdrawForm(answer));
  parts.push(el("h3", {}, t("portal.timeline")), el("ol", { class: "timeline" }, view.timeline.map((e) =>
    el("li", { "data-kind": e.kind || "" }, el("time", { datetime: e.time }, when(e.time)), " ", el("span", { class: "step" }, stepText(page.lang, e))))));
  box.replaceChildren(...parts);
}

function feedbackForm() {
  const form = el("form", { id: "feedback-form", class: "card", novalidate: true, onsubmit: (e) => answer(e, form, "feedback") },
    el("h3", {}, t("portal.feedback")),
    el("fieldset", { class: "choices-inline" }, el("legend", {}, t("portal.feedback")),
      el("label", {}, el("input", { type: "radio", name: "satisfied", value: "true", "data-field": "satisfied" }), t("portal.satisfied")),
      el("label", {}, el("input", { type: "radio", name: "satisfied", value: "false" }), t("portal.unsatisfied"))),
    el("div", { class: "field" }, el("label", { for: "fb-comment" }, t("portal.comment")),
      el("textarea", { id: "fb-comment", "data-field": "comment", rows: 3, maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("portal.give_feedback")));
  return form;
}

function reviewForm(view) {
  const form = el("form", { id: "review-form", class: "card", novalidate: true, onsubmit: (e) => answer(e, form, "review") },
    el("h3", {}, t("portal.review")),
    view.review_until ? el("p", { class: "muted" }, t("portal.review_until", { time: when(view.review_until) })) : null,
    el("div", { class: "field" }, el("label", { for: "rv-reason" }, t("portal.review_reason")),
      el("textarea", { id: "rv-reason", "data-field": "reason", rows: 3, maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("portal.ask_review")));
  return form;
}

async function answer(event, form, kind) {
  event.preventDefault();
  clearErrors(form);
  const { code, access } = state.followed;
  const body = { access_code: access };
  if (kind === "feedback") {
    const picked = form.querySelector("input[name=satisfied]:checked");
    if (picked) body.satisfied = picked.value === "true";
    body.comment = form.querySelector("#fb-comment").value;
  } else if (kind === "review") {
    body.reason = form.querySelector("#rv-reason").value;
  } else {
    const more = aftercareBody(form, kind);
    if (more === null) {
      form.querySelector(".form-error").replaceChildren(el("p", {}, t("portal.withdraw_unconfirmed")));
      form.querySelector("#wd-confirm").focus();
      return;
    }
    Object.assign(body, more);
  }
  try {
    const view = await api("intake", `v1/petitions/${encodeURIComponent(code)}/${kind}`, { method: "POST", body });
    state.followed.view = view;
    await loadNotices();
    renderProgress();
    const done = { feedback: "portal.feedback_done", review: "portal.review_done", withdraw: "portal.withdraw_done", information: "portal.information_done" };
    $("#progress").prepend(el("p", { class: "success", role: "status" }, t(done[kind])));
  } catch (failure) {
    showErrors(form, failure);
  }
}

async function start() {
  installLanguageSwitch($("#lang"));
  page.onLanguage = () => {
    if (state.categories.length) renderCategories();
    state.picker?.relabel();
    if (state.last) renderDone();
    if (state.followed && !$("#progress").hidden) renderProgress();
    renderReceptions();
  };
  applyLanguage();
  await loadConfig();
  await syncClock();
  $("#category").addEventListener("change", renderRedirect);
  $("#submit-form").addEventListener("submit", submit);
  $("#add-attachment").addEventListener("click", addAttachment);
  $("#add-co").addEventListener("click", addCoPetitioner);
  installReceptions();
  $("#follow-form").addEventListener("submit", follow);
  $("#to-follow").addEventListener("click", () => { location.hash = `#/follow/${state.last.tracking_code}`; });
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      await navigator.clipboard?.writeText($(`#${button.dataset.copy}`).textContent).catch(() => {});
      button.textContent = t("common.copied");
    });
  }
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "yes";
}

start();
