// The officials' workbench: sign-in, the worklist, a case with every action the API offers.

import {
  $, ApiFailure, api, applyLanguage, clearErrors, el, installLanguageSwitch, loadConfig, named, now, page,
  showErrors, syncClock, t, when,
} from "./core.js";
import {
  attachmentName, caseFlags, clockState, conflictStatus, countdownText, exportQuery, isUnsigned, jwtClaims,
  looksLikePhone, matchesFilters, nextClock, officialsClock, sortCases, tokenUsable,
} from "./logic.js";
import { showReceptionDay, showReceptionDays } from "./workbench_receptions.js";
import { DivisionPicker } from "./picker.js";
import { WORK_FORMS, describeWork, instructionsBanner, notesList, workCards } from "./work.js";
import { workFlags } from "./work_logic.js";
import { attentionTable, callbackCard, noticesCard, withdrawCard } from "./aftercare.js";
import { mergeCard } from "./merging.js";

const TOKEN = "pujiang.token";
const AFTER_SIGN_IN = "pujiang.after_sign_in";
const STATUSES = ["submitted", "assigned", "accepted", "resolved", "under_review", "under_re_review"];
const LEVELS = ["village", "township", "county", "city", "province"];
const FLAGS = ["overdue", "at_risk", "unsigned", "supervision", "leader", "collective"];
// The actions of api.md ("Routing") and the fields each takes; `likely` orders them by status.
const ACTIONS = [
  { name: "accept", path: "accept", fields: [], likely: ["assigned"] },
  { name: "reject", path: "reject", fields: [["reason", "textarea", true], ["redirect_to", "input"]], likely: ["assigned"] },
  { name: "resolve", path: "resolve", fields: [["reply", "textarea", true]], likely: ["accepted", "under_review", "under_re_review"] },
  { name: "extend", path: "extend", fields: [["days", "number", true], ["reason", "textarea", true]], likely: ["accepted"] },
  { name: "transfer", path: "transfer", fields: [["division_code", "unit", true], ["reason", "textarea", true]], likely: ["assigned", "accepted"] },
  { name: "escalate", path: "escalate", fields: [["reason", "textarea", true]], likely: ["assigned", "accepted"] },
  { name: "assign_leader", path: "assign-leader", fields: [["leader", "input", true]], likely: ["assigned", "accepted", "under_review", "under_re_review", "resolved"] },
  // The work between units (docs/lifecycle.md, issue 10 part A): sign-off, send-back, the
  // official in charge, category correction. `when` narrows "likely" to where the step fits.
  { name: "sign", path: "sign", fields: [], likely: ["assigned", "under_review", "under_re_review"], when: (d) => isUnsigned(d) },
  { name: "object", path: "objections", fields: [["reason", "textarea", true], ["competent_unit", "unit"]], likely: ["assigned"], when: (d) => !d.objection },
  { name: "assign_official", path: "assignee", fields: [["assignee", "input", true]], likely: ["assigned", "accepted", "under_review", "under_re_review"] },
  { name: "correct_category", path: "category", fields: [["category", "category", true], ["reason", "textarea", true]], likely: [] },
];
// Officials' notes (docs/lifecycle.md): allowed in every status, so they have their own card.
const NOTE = { name: "note", path: "notes", fields: [["text", "textarea", true]] };

const state = {
  token: null, claims: null, expiryTimer: null, categories: [], cases: [], cursor: null, mode: "mine",
  doc: null, history: null, units: [], picker: null, tick: null,
  phone: null, // a search by the petitioner's phone: { query, found, failure } (intake, in the caller's scope)
  phoneTimer: null,
  callbackReasons: null, // routing's GET /v1/callback-reasons, once
  attention: [], // the list's "notices to handle" (intake: failed, awaiting print)
};

// ---- session ---------------------------------------------------------------------------------
function flash(text) {
  const box = $("#flash");
  box.textContent = text;
  box.hidden = !text;
}

function signIn(token) {
  const claims = jwtClaims(token);
  if (!tokenUsable(claims, Date.now())) return false;
  state.token = token;
  state.claims = claims;
  sessionStorage.setItem(TOKEN, token);
  clearTimeout(state.expiryTimer);
  if (claims.exp) state.expiryTimer = setTimeout(() => signOut("signin.expired"), claims.exp * 1000 - Date.now());
  renderWho();
  return true;
}

function signOut(reason) {
  state.token = null;
  state.claims = null;
  sessionStorage.removeItem(TOKEN);
  localStorage.removeItem(TOKEN); // the dashboard's copy, on this origin: one sign-out for both
  clearTimeout(state.expiryTimer);
  renderWho();
  if (reason === "signin.signed_out" && page.config?.logout_url) {
    location.assign(page.config.logout_url);
    return;
  }
  flash(reason ? t(reason) : "");
  if (location.hash !== "#/signin") location.hash = "#/signin";
  else route();
}

/** Every call carries the token; a 401 means it expired or was refused: back to sign-in. */
async function call(service, path, options = {}) {
  try {
    return await api(service, path, { ...options, token: state.token });
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 401) refused();
    throw failure;
  }
}

function refused() {
  signOut(tokenUsable(state.claims, Date.now()) ? "signin.invalid" : "signin.expired");
}

function renderWho() {
  const who = $("#who");
  $("#sign-out").hidden = !state.claims;
  who.replaceChildren();
  // Collective petitions are reported to the county's petition bureau and the levels above it.
  const collective = $("#mode-collective");
  if (collective) collective.hidden = !/000000$/.test(state.claims?.division || "");
  if (!state.claims) return;
  who.append(el("b", {}, state.claims.sub), ` · ${t(`role.${state.claims.role}`)} · `, el("span", { id: "who-unit" }, state.claims.division));
  api("routing", `v1/divisions/${state.claims.division}`).then((d) => {
    state.unit = d;
    const unit = $("#who-unit");
    if (unit) unit.textContent = named(d, "unit_name") || named(d);
  }).catch(() => {});
}

async function prepareSignIn() {
  const config = page.config;
  $("#dev-signin").hidden = !config.dev_sign_in;
  $("#sso").hidden = config.dev_sign_in;
  if (!config.dev_sign_in) {
    // Behind a trusted reverse proxy the sign-in already happened: the proxy hands over the token.
    try {
      const response = await fetch("/auth/session");
      const session = response.ok ? await response.json() : null;
      if (session && signIn(session.token)) {
        afterSignIn();
        return;
      }
    } catch { /* not signed in at the proxy */ }
    $("#sso-link").hidden = !config.login_url;
    $("#no-sso").hidden = Boolean(config.login_url);
    if (config.login_url) $("#sso-link").href = config.login_url;
    return;
  }
  state.picker ??= new DivisionPicker($("#signin-place"), { id: "signin-place" });
}

async function devSignIn(event) {
  event.preventDefault();
  const form = $("#dev-signin");
  clearErrors(form);
  try {
    const body = { sub: $("#sub").value.trim(), role: $("#role").value, division: state.picker?.value?.code ?? "" };
    const answer = await fetchJson("/auth/dev-token", body);
    signIn(answer.token);
    flash("");
    afterSignIn();
  } catch (failure) {
    // The body's `division` is the picker's search field here.
    for (const detail of failure.body?.error?.details || []) if (detail.field === "division") detail.field = "division_code";
    showErrors(form, failure);
  }
}

function afterSignIn() {
  const target = sessionStorage.getItem(AFTER_SIGN_IN);
  sessionStorage.removeItem(AFTER_SIGN_IN);
  location.hash = target && target.startsWith("#/case/") ? target : "#/";
}

async function fetchJson(url, body) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const parsed = await response.json().catch(() => null);
  if (!response.ok) throw new ApiFailure(response.status, parsed);
  return parsed;
}

// ---- worklist --------------------------------------------------------------------------------
function options(select, values, group) {
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, t("worklist.all")),
    ...values.map(([value, label]) => el("option", { value }, label ?? t(`${group}.${value}`))));
  select.value = chosen;
}

function renderFilterOptions() {
  options($("#f-status"), STATUSES.map((s) => [s]), "status");
  options($("#f-level"), LEVELS.map((l) => [l]), "level");
  options($("#f-category"), state.categories.map((c) => [c.key, named(c)]), "category");
  options($("#f-flag"), FLAGS.map((f) => [f]), "flag");
  const sort = $("#f-sort");
  const chosen = sort.value || "due";
  sort.replaceChildren(...["due", "new", "old"].map((s) => el("option", { value: s }, t(`worklist.sort_${s}`))));
  sort.value = chosen;
}

async function loadList(more = false) {
  $("#list-error").replaceChildren();
  state.mode = document.querySelector("input[name=mode]:checked").value;
  try {
    if (state.mode === "mine" || state.mode === "me" || state.mode === "official") {
      // "My cases": the ones of my unit I am the official in charge of (承办人), routing's filter.
      const params = state.mode === "official" ? { limit: 500, assignee: "me" } : { limit: 500 };
      const [mine, inScope] = await Promise.all([
        call("routing", "v1/worklist", { params }),
        call("projections", "v1/cases", { params: { division: state.claims.division, status: "open", limit: 200 } }),
      ]);
      const docs = new Map(inScope.cases.map((d) => [d.case_id, d]));
      const missing = mine.cases.filter((c) => !docs.has(c.case_id)).slice(0, 40);
      for (const doc of await Promise.all(missing.map((c) => call("projections", `v1/cases/${c.case_id}`).catch(() => null)))) {
        if (doc) docs.set(doc.case_id, doc);
      }
      // Routing says what waits on this unit now; the read model adds clocks, codes and titles.
      state.cases = mine.cases.map((c) => ({ ...docs.get(c.case_id), ...c, opened_at: docs.get(c.case_id)?.opened_at, collective: c.headcount > 0 }));
      // "On me": the cases of my unit whose leader in charge (包案) I am.
      if (state.mode === "me") state.cases = state.cases.filter((c) => c.leader === state.claims.sub);
      state.cursor = null;
    } else if (state.mode === "notices") {
      // Notices that need an official (intake, in the caller's scope): failed deliveries, letters to print.
      const [failed, letters] = await Promise.all([
        call("intake", "v1/notices", { params: { state: "failed" } }),
        call("intake", "v1/notices", { params: { state: "awaiting_print" } }),
      ]);
      state.attention = [...failed.notices, ...letters.notices];
      state.cases = [];
      state.cursor = null;
    } else if (state.mode === "collective") {
      // The collective petitions routing reports to this bureau (联名 / 集体访), with the read model's details.
      const reported = await call("routing", "v1/collective-petitions", { params: { limit: 200 } });
      const docs = await Promise.all(reported.cases.slice(0, 60).map((c) => call("projections", `v1/cases/${c.case_id}`).catch(() => null)));
      state.cases = reported.cases.map((c, i) => ({ ...(docs[i] || {}), ...c, opened_at: docs[i]?.opened_at, collective: true }));
      state.cursor = null;
    } else {
      const page_ = await call("projections", "v1/cases", {
        params: { division: state.claims.division, status: "open", limit: 100, cursor: more ? state.cursor : null },
      });
      state.cases = more ? [...state.cases, ...page_.cases] : page_.cases;
      state.cursor = page_.next_cursor;
    }
  } catch (failure) {
    if (failure.status !== 401) $("#list-error").replaceChildren(el("p", {}, t("common.api_says") + failure.message));
    state.cases = more ? state.cases : [];
  }
  renderList();
}

function filters() {
  return {
    status: $("#f-status").value, level: $("#f-level").value, category: $("#f-category").value,
    flag: $("#f-flag").value, search: $("#search").value,
  };
}

function clockCell(doc) {
  const next = nextClock(doc, now());
  if (!next) return el("span", { class: "muted" }, "—");
  const text = next.state === "paused" ? t("clock.paused") : countdownText(page.lang, next.due, now());
  return el("span", { class: `countdown c-${next.state}`, title: when(next.due) }, el("small", {}, t(`clock.${next.kind}`)), " ", text);
}

/** What is typed in the search box: a phone number asks intake (after a pause in typing); the rest filters. */
function onSearch() {
  const query = $("#search").value.trim();
  clearTimeout(state.phoneTimer);
  if (!looksLikePhone(query)) {
    if (state.phone?.failure) $("#list-error").replaceChildren();
    state.phone = null;
    renderList();
    return;
  }
  if (state.phone?.query !== query) state.phone = { query, found: null, failure: null };
  renderList();
  state.phoneTimer = setTimeout(() => searchPhone(query), 300);
}

async function searchPhone(query) {
  try {
    const found = await call("intake", "v1/petitions", { params: { phone: query } });
    if (state.phone?.query === query) state.phone.found = found;
  } catch (failure) {
    if (state.phone?.query === query) state.phone.failure = failure;
  }
  renderList();
}

/** The phone search's answer as rows of the worklist (intake says code, title, status, place and date). */
function phoneRows() {
  const { query, found, failure } = state.phone;
  const count = $("#list-count");
  if (failure) {
    count.textContent = "";
    if (failure.status !== 401) {
      const said = failure.body?.error?.details?.map((d) => d.message).join("; ") || failure.message;
      $("#list-error").replaceChildren(el("p", {}, t("common.api_says") + said));
    }
    return [];
  }
  $("#list-error").replaceChildren();
  if (!found) {
    count.textContent = t("worklist.phone_searching");
    return [];
  }
  const f = filters();
  const docs = found.petitions.map((p) => ({ ...p, opened_at: p.submitted_at }))
    .filter((d) => matchesFilters(d, { ...f, search: "" }, now()));
  count.textContent = docs.length
    ? `${t("worklist.phone_results", { phone: query, n: docs.length })}${found.truncated ? ` ${t("worklist.phone_truncated", { n: docs.length })}` : ""}`
    : t("worklist.phone_none", { phone: query });
  return docs;
}

function renderList() {
  renderExport();
  const attention = state.mode === "notices" && !state.phone;
  $("#cases").hidden = attention;
  $("#attention-box").hidden = !attention;
  if (attention) {
    $("#list-count").textContent = t("worklist.count", { n: state.attention.length });
    $("#attention-box").replaceChildren(el("h2", {}, t("notice.attention")), attentionTable(state.attention, aftercare));
    $("#more").hidden = true;
    return;
  }
  const at = now();
  const phone = Boolean(state.phone);
  const matching = phone ? phoneRows() : state.cases.filter((d) => matchesFilters(d, filters(), at));
  const shown = sortCases(matching, $("#f-sort").value || (phone ? "new" : "due"), at);
  document.body.dataset.search = phone ? (state.phone.found ? "phone" : "phone-pending") : "list";
  if (!phone) $("#list-count").textContent = t("worklist.count", { n: shown.length });
  const category = (key) => named(state.categories.find((c) => c.key === key)) || key || "";
  const rows = shown.map((doc) => {
    const flags = [...caseFlags(doc, at), ...workFlags(doc)];
    return el("tr", { class: flags.map((f) => `f-${f}`).join(" "), "data-case": doc.case_id },
      el("td", { "data-label": t("worklist.code") }, el("a", { href: `#/case/${doc.case_id}`, class: "code" }, doc.tracking_code || doc.case_id.slice(0, 8))),
      el("td", { "data-label": t("worklist.subject") }, el("span", { class: "title" }, doc.title || ""), el("br"),
        el("small", { class: "muted" }, category(doc.category)), " ", flags.map((f) => el("span", { class: `badge b-${f}` }, t(`flag.${f}`))),
        doc.collective && doc.headcount ? el("small", { class: "muted" }, " ", t("worklist.headcount", { n: doc.headcount })) : ""),
      el("td", { "data-label": t("worklist.status") }, t(`status.${doc.status}`), el("br"), el("small", { class: "muted" }, doc.level ? t(`level.${doc.level}`) : "")),
      el("td", { "data-label": t("worklist.unit") }, doc.unit_name || doc.unit_id || "—"),
      el("td", { "data-label": t("worklist.clock") }, clockCell(doc)),
      el("td", { "data-label": t("worklist.opened") }, when(doc.opened_at)));
  });
  const body = $("#cases tbody");
  const empty = phone ? "" : t("worklist.empty");
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 6, class: "muted" }, empty))]));
  $("#more").hidden = phone || !(state.mode === "scope" && state.cursor);
}

// ---- the list as CSV (projections' GET /v1/cases.csv, docs/case-export.md) ----------------------
function renderExport() {
  const box = $("#export");
  box.hidden = state.mode !== "scope" || Boolean(state.phone) || !state.claims;
  if (box.hidden) return;
  $("#export-csv").href = `/api/projections/v1/cases.csv?${exportQuery(state.claims.division, filters(), page.lang)}`;
}

/** The link fetched with the official's token (a plain link would carry none), saved under its own name. */
async function downloadExport(event) {
  event.preventDefault();
  const link = event.currentTarget;
  if (link.getAttribute("aria-busy") === "true") return;
  link.setAttribute("aria-busy", "true");
  link.textContent = t("worklist.exporting");
  $("#list-error").replaceChildren();
  try {
    let response;
    try {
      response = await fetch(link.href, { headers: { authorization: `Bearer ${state.token}` } });
    } catch {
      throw new ApiFailure(0, { error: { code: "network", message: t("common.network"), details: [] } });
    }
    if (!response.ok) throw new ApiFailure(response.status, await response.json().catch(() => null));
    const name = attachmentName(response.headers.get("content-disposition"), "cases.csv");
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: name, hidden: true });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (failure) {
    if (failure.status === 401) refused();
    else $("#list-error").replaceChildren(el("p", {}, t("common.api_says") + failure.message));
  } finally {
    link.removeAttribute("aria-busy");
    link.textContent = t("worklist.export");
  }
}

// ---- one case --------------------------------------------------------------------------------
async function loadCase(caseId) {
  const box = $("#case-body");
  box.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
  try {
    const [doc, history, similar] = await Promise.all([
      call("projections", `v1/cases/${caseId}`),
      call("projections", `v1/cases/${caseId}/history`).catch(() => null),
      call("intake", `v1/cases/${caseId}/similar`).catch(() => null),
    ]);
    state.doc = doc;
    state.history = history;
    state.similar = similar?.suggestions || [];
    state.place = doc.division ? await api("routing", `v1/divisions/${doc.division}`).catch(() => null) : null;
    state.callbackReasons ??= await api("routing", "v1/callback-reasons").catch(() => ({ reasons: [], tries_before_no_feedback: 3 }));
    await loadUnits(doc);
    renderCase();
  } catch (failure) {
    if (failure.status === 401) return;
    box.replaceChildren(el("p", { class: "error-box", role: "alert" },
      failure.status === 404 || failure.status === 403 ? t("case.not_found") : t("common.api_says") + failure.message));
  }
}

/** Where a case of this county can be transferred: its departments and its townships. */
async function loadUnits(doc) {
  const county = doc.county_code;
  if (!county || state.units.county === county) return;
  const [detail, below] = await Promise.all([
    api("routing", `v1/divisions/${county}`).catch(() => ({ departments: [] })),
    api("routing", "v1/divisions", { params: { parent: county } }).catch(() => ({ divisions: [] })),
  ]);
  const units = [
    ...(detail.code ? [{ id: detail.code, name: named(detail, "unit_name") }] : []),
    ...(detail.departments || []).map((d) => ({ id: d.id, name: named(d) })),
    ...below.divisions.map((d) => ({ id: d.code, name: named(d, "unit_name") || named(d) })),
  ];
  state.units = Object.assign(units, { county });
}

function fact(label, value) {
  return el("div", {}, el("dt", {}, label), el("dd", {}, value ?? "—"));
}

function submitted() {
  return (state.history?.events || []).find((e) => e.type === "PetitionSubmitted");
}

function renderCase() {
  const doc = state.doc;
  const at = now();
  const category = state.categories.find((c) => c.key === doc.category);
  const flags = caseFlags(doc, at);
  const box = $("#case-body");
  // Cards with nothing to show are null: left out, never drawn as the text "null".
  const cards = [
    el("h1", {}, el("span", {}, doc.title || t("case.title")), " ",
      el("span", { class: `status s-${doc.status}`, id: "case-status", "data-status": doc.status }, t(`status.${doc.status}`)),
      flags.map((f) => el("span", { class: `badge b-${f}` }, t(`flag.${f}`)))),
    instructionsBanner(doc), // leaders' instructions (批示) at the top of the case
    clocksCard(doc, at),
    el("div", { class: "case-grid" },
      el("section", { class: "card" }, el("h2", {}, t("case.facts")), el("dl", { class: "facts" },
        fact(t("case.tracking"), el("code", {}, doc.tracking_code || "—")),
        fact(t("case.category"), category ? named(category) : doc.category),
        fact(t("case.channel"), doc.channel ? t(`channel.${doc.channel}`) : "—"),
        fact(t("case.level"), doc.level ? t(`level.${doc.level}`) : "—"),
        fact(t("case.unit"), doc.unit_name || doc.unit_id),
        fact(t("case.division"), state.place ? `${named(state.place)} (${doc.division})` : doc.division),
        fact(t("case.round"), t(`round.${doc.round || "first"}`)),
        fact(t("case.leader"), doc.leader),
        fact(t("case.assignee"), doc.assignee),
        fact(t("case.signed"), el("span", { id: "case-signed" }, t(isUnsigned(doc) ? "case.signed_no" : "case.signed_yes"))),
        fact(t("case.opened"), when(doc.opened_at)))),
      petitionerCard()),
    pendingCard(doc),
    actionsCard(doc),
    ...workCards(doc, { call, flash, refreshUntil, showConflict, claims: state.claims, units: state.units }),
    mergeCard(doc, state.similar, aftercare),
    notesCard(doc),
    noticesCard(doc, aftercare),
    callbackCard(doc, state.callbackReasons || { reasons: [], tries_before_no_feedback: 3 }, aftercare),
    withdrawCard(doc, aftercare),
    timelineCard(doc),
  ];
  box.replaceChildren(...cards.filter((card) => card != null));
}

// What the aftercare cards (aftercare.js) need from the workbench: the token, the flash, commands.
const aftercare = {
  token: () => state.token,
  flash,
  /** A letter recorded as printed, a failed notice sent again (intake); then the view shows it. */
  async notice(noticeId, verb) {
    try {
      await call("intake", `v1/notices/${noticeId}/${verb}`, { method: "POST" });
      flash(t(`notice.done_${verb}`));
    } catch (failure) {
      if (failure.status !== 401) flash(t("common.api_says") + failure.message);
      return;
    }
    if (state.doc && location.hash.startsWith("#/case/")) {
      const wanted = verb === "printed" ? "delivered" : "pending";
      await refreshUntil((d) => (d.notices || []).some((n) => n.notice_id === noticeId && n.state === wanted));
    } else await loadList();
  },
  /** A routing command of the aftercare cards (callbacks, withdrawal), shown once the read model has it. */
  async command(form, path, body, doneText) {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const answer = await call("routing", `v1/cases/${state.doc.case_id}/${path}`, { method: "POST", body });
      flash(doneText);
      // A merge also records on the other cases involved: wait only for this case's own events.
      const recorded = (answer.events || []).filter((e) => !e.case_id || e.case_id === state.doc.case_id).map((e) => e.id);
      await refreshUntil((d) => recorded.every((id) => (d.timeline || []).some((e) => e.event_id === id)));
    } catch (failure) {
      if (failure.status === 409) showConflict(form, failure);
      else if (failure.status !== 401) showErrors(form, failure);
    } finally {
      button.disabled = false;
    }
  },
};

function petitionerCard() {
  const event = submitted();
  const data = event?.data || {};
  const body = [el("h2", {}, t("case.petitioner"))];
  // Events carry the petitioner sealed: intake opens them for an official in scope, and records the read.
  if (state.doc?.personal_data === "erased") body.push(el("p", { class: "erased" }, t("case.erased")));
  else if (!event) body.push(el("p", { class: "muted" }, t("case.hidden")));
  else if (event.redacted && !data.petitioner?.erased) body.push(el("p", {}, t("case.anonymous")));
  else body.push(identityPanel());
  if (state.doc?.personal_data === "partly_erased") body.push(el("p", { class: "erased" }, t("case.partly_erased")));
  if (state.doc?.complaint_about) body.push(el("p", { class: "muted" }, t("case.complaint_about")));
  if (data.content) body.push(el("h3", {}, t("case.content")), el("p", { class: "content" }, data.content));
  if (data.attachments?.length) {
    body.push(el("h3", {}, t("case.attachments")), el("ul", {}, data.attachments.map((a) =>
      el("li", {}, /^https?:\/\//.test(a.url) ? el("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, a.name) : a.name))));
  }
  return el("section", { class: "card" }, ...body);
}

/** The petitioners' identity, asked of intake only when the official chooses to see it (each read is recorded). */
function identityPanel() {
  const panel = el("div", { class: "identity" });
  const button = el("button", { type: "button", id: "show-identity", class: "ghost", onclick: async () => {
    button.disabled = true;
    try {
      const found = await call("intake", `v1/cases/${state.doc.case_id}/petitioner`);
      panel.replaceChildren(...found.petitioners.map(personShown));
    } catch (failure) {
      button.disabled = false;
      if (failure.status !== 401) panel.append(el("p", { class: "error", role: "alert" }, t("case.identity_failed")));
    }
  } }, t("case.show_identity"));
  panel.append(el("p", { class: "muted" }, t("case.identity_recorded")), button);
  return panel;
}

function personShown(person) {
  if (person.state === "shown") {
    return el("dl", { class: "facts" }, fact(t("portal.name"), person.name),
      fact(t("case.contact"), person.phone ? el("a", { href: `tel:${person.phone}` }, person.phone) : "—"),
      person.id_number ? fact(t("case.id_number"), person.id_number) : "");
  }
  return el("p", {}, t(`case.identity_${person.state}`));
}

function clocksCard(doc, at) {
  const clocks = (doc.clocks || []).filter(officialsClock);
  const rows = clocks.map((c) => {
    const s = clockState(c, at);
    const left = c.stopped ? t(c.met_on_time === false ? "clock.late" : "clock.met") : s === "paused" ? t("clock.paused") : countdownText(page.lang, c.due, at);
    const toggle = c.stopped ? null : clockToggle(doc, c);
    return el("tr", { class: `c-${s}` }, el("th", { scope: "row" }, t(`clock.${c.kind}`)), el("td", {}, when(c.due)),
      el("td", {}, el("span", { class: `countdown c-${s}` }, left)), el("td", {}, toggle));
  });
  return el("section", { class: "card" }, el("h2", {}, t("case.clocks")), rows.length
    ? el("table", { class: "clocks" }, el("thead", {}, el("tr", {}, ...["case.kind", "case.due", "case.remaining", "case.actions"].map((k) => el("th", { scope: "col" }, t(k))))), el("tbody", {}, rows))
    : el("p", { class: "muted" }, t("case.no_clocks")));
}

function clockToggle(doc, clock) {
  if (clock.paused) {
    return el("button", { type: "button", class: "ghost", onclick: (e) => clockCommand(e.target, doc, clock, "resume") }, t("case.resume"));
  }
  const id = `pause-${clock.clock_id}`;
  const form = el("form", { class: "inline", novalidate: true, onsubmit: (e) => { e.preventDefault(); clockCommand(form, doc, clock, "pause"); } },
    el("div", { class: "field" }, el("label", { for: id, class: "sr-only" }, t("case.pause_reason")),
      el("input", { id, "data-field": "reason", placeholder: t("case.pause_reason") })),
    el("button", { type: "submit", class: "ghost" }, t("case.pause")),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }));
  return form;
}

async function clockCommand(form, doc, clock, verb) {
  const target = form.tagName === "FORM" ? form : form.parentElement;
  if (form.tagName === "FORM") clearErrors(form);
  try {
    const body = verb === "pause" ? { reason: form.querySelector("input").value } : undefined;
    await call("sla", `v1/cases/${doc.case_id}/clocks/${clock.clock_id}/${verb}`, { method: "POST", body });
    flash(t(`action.done_${verb}`));
    await refreshUntil((d) => (d.clocks || []).some((c) => c.clock_id === clock.clock_id && c.paused === (verb === "pause")));
  } catch (failure) {
    if (target.tagName === "FORM") showErrors(target, failure);
    else flash(t("common.api_says") + failure.message);
  }
}

/** What waits on a decision above the unit: a send-back to rule on, an extension to approve. */
function pendingCard(doc) {
  const parts = [];
  const unit = (id) => state.units.find((u) => u.id === id)?.name || id;
  const o = doc.objection;
  if (o) {
    const rule = { name: "rule", path: `objections/${o.objection_id}/ruling`,
      fields: [["decision", "select", true, ["uphold", "dismiss"]], ["unit_id", "unit"], ["reason", "textarea", true]] };
    parts.push(el("div", { class: "pending", id: "pending-objection" },
      el("p", {}, el("b", {}, t("case.objection_pending", { unit: unit(o.unit_id), ruling: unit(o.ruling_unit_id) }))),
      el("p", { class: "said" }, o.reason, o.competent_unit ? ` · ${t("action.competent_unit")}: ${unit(o.competent_unit)}` : ""),
      actionForm(doc, rule, true)));
  }
  const x = doc.extension_request;
  if (x) {
    const decide = { name: "decide_extension", path: `extension-requests/${x.request_id}/decision`,
      fields: [["approve", "bool", true], ["reason", "textarea"]] };
    parts.push(el("div", { class: "pending", id: "pending-extension" },
      el("p", {}, el("b", {}, t("case.extension_pending", { unit: unit(x.unit_id), days: x.days }))),
      el("p", { class: "said" }, x.reason),
      actionForm(doc, decide, true)));
  }
  return parts.length ? el("section", { class: "card", id: "pending" }, el("h2", {}, t("case.pending")), ...parts) : null;
}

function actionsCard(doc) {
  const fits = (a) => a.likely.includes(doc.status) && (!a.when || a.when(doc));
  const likely = ACTIONS.filter(fits);
  const others = ACTIONS.filter((a) => !fits(a));
  return el("section", { class: "card", id: "actions" }, el("h2", {}, t("case.actions")),
    el("div", { class: "actions" }, likely.map((a) => actionForm(doc, a, likely.length === 1))),
    others.length ? el("details", { class: "others" }, el("summary", {}, `${t("case.other_actions")} (${others.length})`),
      el("div", { class: "actions" }, others.map((a) => actionForm(doc, a, false)))) : null);
}

function actionForm(doc, action, open) {
  const fieldNodes = action.fields.map(([name, kind, required, choices]) => {
    const id = `${action.name}-${name}`;
    const attrs = { id, "data-field": name, name, required };
    let input;
    if (kind === "textarea") input = el("textarea", { ...attrs, rows: 3 });
    else if (kind === "number") input = el("input", { ...attrs, type: "number", inputmode: "numeric", min: 1 });
    else if (kind === "select") input = el("select", attrs, choices.map((v) => el("option", { value: v }, t(`action.${name}_${v}`))));
    else if (kind === "bool") input = el("select", attrs, ["true", "false"].map((v) => el("option", { value: v }, t(`action.${name}_${v}`))));
    else if (kind === "category") {
      input = el("select", attrs, el("option", { value: "" }, "—"),
        state.categories.filter((c) => c.key !== doc.category).map((c) => el("option", { value: c.key }, named(c))));
    }
    else if (kind === "unit") {
      input = el("input", { ...attrs, list: `${id}-units`, autocomplete: "off" });
      input = [input, el("datalist", { id: `${id}-units` }, state.units.map((u) => el("option", { value: u.id }, u.name)))];
    } else input = el("input", attrs);
    return el("div", { class: "field" }, el("label", { for: id }, t(`action.${name}`), required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null), input);
  });
  const form = el("form", { class: "action", id: `action-${action.name}`, novalidate: true, onsubmit: (e) => act(e, form, doc, action) },
    ...fieldNodes, el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: action.name === "reject" ? "danger" : "primary" }, t(`action.${action.name}`)));
  return el("details", { class: "action-box", open }, el("summary", {}, t(`action.${action.name}`)), form);
}

function notesCard(doc) {
  const id = "note-text";
  const form = el("form", { class: "action", id: "action-note", novalidate: true, onsubmit: (e) => act(e, form, doc, NOTE) },
    el("div", { class: "field" }, el("label", { for: id }, t("action.text"), el("span", { class: "req", "aria-hidden": "true" }, " *")),
      el("textarea", { id, "data-field": "text", name: "text", required: true, rows: 3, maxlength: 2000 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("action.note")));
  return el("section", { class: "card", id: "notes" }, el("h2", {}, t("case.notes")),
    el("p", { class: "muted", id: "notes-hint" }, t("case.notes_hint")), notesList(doc), form);
}

async function act(event, form, doc, action) {
  event.preventDefault();
  clearErrors(form);
  const body = {};
  for (const [name, kind, required] of action.fields) {
    const value = form.querySelector(`[name=${name}]`).value;
    if (kind === "number") body[name] = value === "" ? null : Number(value);
    else if (kind === "bool") body[name] = value === "true";
    else if (value !== "" || required) body[name] = value; // an optional field left empty is not sent
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const answer = await call("routing", `v1/cases/${doc.case_id}/${action.path}`, { method: "POST", body: action.fields.length ? body : undefined });
    flash(t(`action.done_${action.name}`));
    // Shown once the read model has the very events this command recorded.
    const recorded = (answer.events || []).map((e) => e.id);
    await refreshUntil((d) => recorded.every((id) => (d.timeline || []).some((e) => e.event_id === id)));
  } catch (failure) {
    const box = form.closest("details");
    if (box) box.open = true; // the answer is shown where the action was asked
    if (failure.status === 409) showConflict(form, failure);
    else if (failure.status === 403) showErrors(form, failure, [t("action.forbidden") + failure.message]);
    else if (failure.status !== 401) showErrors(form, failure);
  } finally {
    button.disabled = false;
  }
}

/** A concurrent change: say so, name the case's status now, offer a reload; nothing is overwritten. */
function showConflict(form, failure) {
  const status = conflictStatus(failure.body);
  const banner = form.querySelector(".form-error");
  banner.replaceChildren(el("div", { class: "conflict" },
    el("p", {}, el("b", {}, t("action.conflict")), " ", status ? t("action.conflict_status", { status: t(`status.${status}`) }) : "", " ", t("action.conflict_hint")),
    el("p", { class: "muted" }, t("common.api_says") + failure.message),
    el("button", { type: "button", class: "primary reload", onclick: () => reloadShowing(status) }, t("common.reload"))));
  banner.querySelector("button").focus();
}

/** Reload after a conflict; the read model may not show the colleague's change yet, so wait for the status routing named. */
async function reloadShowing(status) {
  await loadCase(state.doc.case_id);
  if (status && state.doc && state.doc.status !== status) await refreshUntil((d) => d.status === status);
}

/** The read model follows the services' events: wait (briefly) until it shows what was done. */
async function refreshUntil(done) {
  const caseId = state.doc.case_id;
  for (let attempt = 0; attempt < 40; attempt++) {
    const doc = await call("projections", `v1/cases/${caseId}`).catch(() => null);
    if (doc && (done(doc) || attempt === 39)) {
      state.doc = doc;
      // The suggestions too: a case just merged (or given back) is no longer (or again) one.
      const [history, similar] = await Promise.all([
        call("projections", `v1/cases/${caseId}/history`).catch(() => state.history),
        call("intake", `v1/cases/${caseId}/similar`).catch(() => null),
      ]);
      state.history = history;
      state.similar = similar?.suggestions || state.similar;
      renderCase();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function timelineCard(doc) {
  const items = (doc.timeline || []).map((e) => el("li", {},
    el("time", { datetime: e.time }, when(e.time)), " ", el("b", {}, t(`event.${e.type}`)), " ",
    el("span", { class: "muted" }, [e.actor, e.actor_unit].filter(Boolean).join(" @ ")),
    describe(e)));
  return el("section", { class: "card" }, el("h2", {}, t("case.timeline")), el("ol", { class: "timeline" }, items));
}

/** What an event said, in the page's language where it is one of the vocabulary's words. */
function describe(entry) {
  const d = entry.detail || {};
  const parts = {
    CaseAssigned: () => [`${t(`move.${d.reason || "initial"}`)} → ${d.unit_name || d.unit_id}`, d.note],
    CaseNotAccepted: () => [d.reason, d.redirect_to],
    ExtensionGranted: () => [t("case.days_unit", { n: d.days }), d.reason],
    CaseResolved: () => [d.reply],
    LeaderAssigned: () => [d.leader],
    CaseNoteAdded: () => [d.text],
    FeedbackGiven: () => [t(d.satisfied ? "portal.satisfied" : "portal.unsatisfied"), d.comment],
    ReviewRequested: () => [t(`round.${d.round}`), d.reason],
    CaseReopenedForReview: () => [t(`round.${d.round}`), d.reason],
    CaseClosed: () => [t(`closing.${d.reason}`)],
    SupervisionIssued: () => [t(`step.${d.step}`), d.clock_kind ? t(`clock.${d.clock_kind}`) : null],
    CaseSigned: () => [d.unit_id],
    ObjectionRaised: () => [d.reason, d.competent_unit ? `→ ${d.competent_unit}` : null, d.to_bureau ? t("case.to_bureau") : null],
    ObjectionRuled: () => [t(`ruling.${d.decision}`), d.unit_id ? `→ ${d.unit_id}` : null, d.reason, d.lapsed ? t("ruling.lapsed") : null],
    ExtensionRequested: () => [t("case.days_unit", { n: d.days }), d.reason],
    ExtensionDenied: () => [d.reason],
    OfficialAssigned: () => [d.previous ? `${d.previous} → ${d.assignee}` : d.assignee],
    CategoryCorrected: () => [`${d.previous} → ${d.category}`, d.reason],
  }[entry.type];
  const kind = entry.type.startsWith("Clock") && d.kind ? [t(`clock.${d.kind}`)] : [];
  const said = [...kind, ...(parts ? parts() : describeWork(entry) || [])].filter(Boolean);
  return said.length ? el("div", { class: "said" }, said.join(" · ")) : null;
}

// ---- routing between views -------------------------------------------------------------------
function show(view) {
  for (const name of ["signin", "list", "case", "receptions", "reception"]) $(`#view-${name}`).hidden = name !== view;
  $("#nav-receptions").hidden = !state.token;
}

async function route() {
  const [, view = "", arg] = location.hash.split("/");
  if (!state.token && view !== "signin") {
    sessionStorage.setItem(AFTER_SIGN_IN, location.hash); // back here once signed in
    location.hash = "#/signin";
    return;
  }
  clearInterval(state.tick);
  if (view === "signin") {
    show("signin");
    await prepareSignIn();
  } else if (view === "receptions") {
    show("receptions");
    await showReceptionDays({ call, claims: state.claims, categories: state.categories });
  } else if (view === "reception" && arg) {
    show("reception");
    await showReceptionDay({ call, claims: state.claims, categories: state.categories }, arg);
  } else if (view === "case" && arg) {
    show("case");
    await loadCase(arg);
    state.tick = setInterval(() => state.doc && renderClocksOnly(), 30_000);
  } else {
    show("list");
    await loadList();
    state.tick = setInterval(renderList, 30_000);
  }
  $("#main").focus({ preventScroll: true });
  document.body.dataset.view = view || "list";
}

function renderClocksOnly() {
  const active = document.activeElement;
  if (active && active.closest(`#actions, #notes, #pending, #callbacks, #withdraw, ${WORK_FORMS}`)) return; // never redraw a form someone is typing in
  renderCase();
}

async function start() {
  installLanguageSwitch($("#lang"));
  page.onLanguage = () => {
    renderWho();
    renderFilterOptions();
    if (!$("#view-list").hidden) renderList();
    if (!$("#view-case").hidden && state.doc) renderCase();
    state.picker?.relabel();
  };
  applyLanguage();
  await loadConfig();
  await syncClock();
  state.categories = (await api("routing", "v1/categories").catch(() => ({ categories: [] }))).categories;
  renderFilterOptions();
  // A supervisor who came from the dashboard on this origin is signed in already.
  const saved = sessionStorage.getItem(TOKEN) || localStorage.getItem(TOKEN);
  if (saved && !signIn(saved)) {
    sessionStorage.removeItem(TOKEN);
    localStorage.removeItem(TOKEN);
    flash(t("signin.expired"));
  }
  $("#dev-signin").addEventListener("submit", devSignIn);
  $("#sign-out").addEventListener("click", () => signOut("signin.signed_out"));
  $("#filters").addEventListener("submit", (e) => e.preventDefault());
  $("#search").addEventListener("input", onSearch);
  for (const id of ["f-status", "f-level", "f-category", "f-flag", "f-sort"]) $(`#${id}`).addEventListener("input", renderList);
  for (const radio of document.querySelectorAll("input[name=mode]")) radio.addEventListener("change", () => loadList());
  $("#more").addEventListener("click", () => loadList(true));
  $("#export-csv").addEventListener("click", downloadExport);
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "yes";
}

start();
