// The work across units on the case page (docs/lifecycle.md, "Work across units"): leaders'
// instructions at the top, joint handling's tasks, consultations, supervision, work notes.
// Which forms are offered is only a hint from the token (role, division); routing decides.

import { clearErrors, el, showErrors, t, when } from "./core.js";
import { OPEN_TASK, covers } from "./work_logic.js";

/** A timeline entry of the work across units said in the page's language, or null for other events. */
export function describeWork(entry) {
  const d = entry.detail || {};
  const parts = {
    TaskAssigned: () => [`${d.unit_name || d.unit_id}`, d.ask, d.due_date],
    TaskSigned: () => [d.unit_id],
    TaskReported: () => [t(`work.kind_${d.kind}`), d.text],
    TaskReleaseRequested: () => [d.reason],
    TaskReleaseDecided: () => [t(d.granted ? "work.grant" : "work.refuse"), d.reason],
    TaskClosed: () => [d.reason],
    ConsultationRecorded: () => [d.held_on, d.conclusions],
    SupervisionOrdered: () => [d.demand, d.respond_by],
    SupervisionAnswered: () => [d.report],
    InstructionGiven: () => [d.leader, d.text],
  }[entry.type];
  return parts ? parts().filter(Boolean) : null;
}

/** Leaders' instructions (批示), shown at the top of the case. */
export function instructionsBanner(doc) {
  const given = doc.instructions || [];
  if (!given.length) return null;
  return el("section", { class: "instructions", id: "instructions", "aria-labelledby": "instructions-h" },
    el("h2", { id: "instructions-h" }, t("work.instructions")),
    el("ol", {}, given.map((i) => el("li", {},
      el("b", {}, i.leader), "：", el("span", { class: "content" }, i.text), " ",
      el("small", { class: "muted" }, t("work.recorded", { who: recorder(i.recorded_by, i.recorded_unit), when: when(i.recorded_at) }))))));
}

function recorder(who, unit) {
  return [who, unit].filter(Boolean).join(" @ ");
}

/** The cards of the work across units, in the order officials use them. */
export function workCards(doc, ctx) {
  return [tasksCard(doc, ctx), supervisionsCard(doc, ctx), consultationsCard(doc, ctx), instructionCard(doc, ctx)].filter(Boolean);
}

/** The work notes (工作记录) already written: the officials' notes of the timeline, newest first. */
export function notesList(doc) {
  const notes = (doc.timeline || []).filter((e) => e.type === "CaseNoteAdded").reverse();
  if (!notes.length) return el("p", { class: "muted" }, t("case.notes_none"));
  return el("ol", { class: "notes-list" }, notes.map((n) => el("li", {},
    el("p", { class: "content" }, n.detail?.text || ""),
    el("small", { class: "muted" }, t("work.recorded", { who: recorder(n.actor, n.actor_unit), when: when(n.time) })))));
}

// ---- forms -----------------------------------------------------------------------------------

/** A small form of named fields; `fields` are [name, kind, required, options, label key]. */
function stepForm(id, label, fields, submit, { open = false, button = "primary" } = {}) {
  const nodes = fields.map(([name, kind, required, options, labelKey]) => {
    const fid = `${id}-${name}`;
    const attrs = { id: fid, "data-field": name, name, required };
    let input;
    if (kind === "textarea") input = el("textarea", { ...attrs, rows: 3 });
    else if (kind === "date") input = el("input", { ...attrs, type: "date" });
    else if (kind === "select") input = el("select", attrs, options.map(([value, text]) => el("option", { value }, text)));
    else if (kind === "unit") {
      input = [el("input", { ...attrs, list: `${fid}-units`, autocomplete: "off" }),
        el("datalist", { id: `${fid}-units` }, (options || []).map((u) => el("option", { value: u.id }, u.name)))];
    } else input = el("input", attrs);
    const mark = required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null;
    return el("div", { class: "field" }, el("label", { for: fid }, t(`work.${labelKey || name}`), mark), input);
  });
  const form = el("form", { class: "action", id, novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(form); } },
    ...nodes, el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: button }, label));
  return el("details", { class: "action-box", open }, el("summary", {}, label), form);
}

function value(form, name) {
  return form.querySelector(`[name=${name}]`).value;
}

function list(text) {
  return text.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
}

/** Sends one step to routing and shows the case once the read model has its events. */
async function send(form, doc, ctx, path, body, done) {
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const answer = await ctx.call("routing", `v1/cases/${doc.case_id}/${path}`, { method: "POST", body });
    ctx.flash(t(`work.done_${done}`));
    const recorded = (answer.events || []).map((e) => e.id);
    await ctx.refreshUntil((d) => recorded.every((id) => (d.timeline || []).some((e) => e.event_id === id)));
  } catch (failure) {
    const box = form.closest("details");
    if (box) box.open = true;
    if (failure.status === 409) ctx.showConflict(form, failure);
    else if (failure.status === 403) showErrors(form, failure, [t("action.forbidden") + failure.message]);
    else if (failure.status !== 401) showErrors(form, failure);
  } finally {
    button.disabled = false;
  }
}

// ---- joint handling --------------------------------------------------------------------------

function tasksCard(doc, ctx) {
  const tasks = doc.tasks || [];
  const mine = ctx.claims?.division;
  const lead = covers(doc.division_code, mine);
  const handling = ["accepted", "under_review", "under_re_review"].includes(doc.status);
  if (!tasks.length && !(lead && handling)) return null;
  const clocks = Object.fromEntries((doc.clocks || []).map((c) => [c.clock_id, c]));
  const rows = tasks.map((task) => taskItem(doc, task, clocks[task.clock_id], lead, covers(task.division_code, mine), ctx));
  const units = (ctx.units || []).filter((u) => u.id !== doc.unit_id);
  const adding = lead && handling ? stepForm("task-add", t("work.add_task"), [
    ["unit_id", "unit", true, units], ["ask", "textarea", true], ["due_date", "date", false],
  ], (form) => send(form, doc, ctx, "tasks", {
    unit_id: value(form, "unit_id"), ask: value(form, "ask"), ...(value(form, "due_date") ? { due_date: value(form, "due_date") } : {}),
  }, "add_task")) : null;
  return el("section", { class: "card", id: "joint" }, el("h2", {}, t("work.joint")),
    el("p", { class: "muted" }, t("work.joint_hint")),
    tasks.length ? el("ol", { class: "tasks" }, rows) : el("p", { class: "muted" }, t("work.no_tasks")), adding);
}

function taskItem(doc, task, clock, lead, assisting, ctx) {
  const open = OPEN_TASK.has(task.status);
  const late = clock && clock.breached && !clock.stopped;
  const facts = el("dl", { class: "facts" },
    fact(t("work.task_unit"), task.unit_name || task.unit_id),
    fact(t("work.task_ask"), task.ask),
    fact(t("work.task_due"), clock?.due ? when(clock.due) : task.due_date || "—"),
    task.report ? fact(t("work.task_report"), `${t(`work.kind_${task.report_kind}`)}：${task.report}`) : null,
    task.release_reason ? fact(t("work.release"), task.release_reason) : null,
    task.decision ? fact(t("work.task_decision"), task.decision) : null);
  const id = `task-${task.task_id}`;
  const path = `tasks/${task.task_id}`;
  const actions = [];
  if (open && assisting && task.status === "requested") {
    const form = el("form", { class: "inline", id: `${id}-sign`, novalidate: true,
      onsubmit: (e) => { e.preventDefault(); send(form, doc, ctx, `${path}/sign`, undefined, "sign"); } },
    el("button", { type: "submit", class: "primary" }, t("work.sign")), el("div", { class: "form-error", role: "alert", tabindex: -1 }));
    actions.push(form);
  }
  if (open && assisting && task.status === "signed") {
    actions.push(stepForm(`${id}-report`, t("work.report"), [
      ["kind", "select", true, [["opinion", t("work.kind_opinion")], ["action", t("work.kind_action")]]], ["text", "textarea", true],
    ], (form) => send(form, doc, ctx, `${path}/report`, { kind: value(form, "kind"), text: value(form, "text") }, "report")));
  }
  if (open && assisting && task.status !== "release_requested") {
    actions.push(stepForm(`${id}-release`, t("work.release"), [["reason", "textarea", true]],
      (form) => send(form, doc, ctx, `${path}/release`, { reason: value(form, "reason") }, "release"), { button: "ghost" }));
  }
  if (lead && task.status === "release_requested") {
    actions.push(stepForm(`${id}-decide`, t("work.decide"), [
      ["granted", "select", true, [["true", t("work.grant")], ["false", t("work.refuse")]]], ["reason", "textarea", true],
    ], (form) => send(form, doc, ctx, `${path}/release-decision`, { granted: value(form, "granted") === "true", reason: value(form, "reason") }, "decide"), { open: true }));
  }
  if (lead && open) {
    actions.push(stepForm(`${id}-close`, t("work.close"), [["reason", "textarea", true]],
      (form) => send(form, doc, ctx, `${path}/close`, { reason: value(form, "reason") }, "close"), { button: "danger" }));
  }
  const badge = el("span", { class: `badge t-${task.status}` }, t(`work.status_${task.status}`));
  return el("li", { class: `task${late ? " f-overdue" : ""}`, id, "data-status": task.status },
    el("h3", {}, t("work.task", { id: task.task_id }), " ", badge, late ? el("span", { class: "badge b-overdue" }, t("flag.overdue")) : null),
    facts, actions.length ? el("div", { class: "actions" }, actions) : null);
}

function fact(label, text) {
  return el("div", {}, el("dt", {}, label), el("dd", {}, text ?? "—"));
}

// ---- supervision -----------------------------------------------------------------------------

function supervisionsCard(doc, ctx) {
  const all = doc.supervisions || [];
  const claims = ctx.claims || {};
  const settled = ["closed", "not_accepted"].includes(doc.status);
  const above = ["supervisor", "admin"].includes(claims.role) && covers(doc.division_code, claims.division) && claims.division !== doc.division_code;
  const handlingUnit = claims.division === doc.division_code;
  if (!all.length && !(above && !settled)) return null;
  const clocks = Object.fromEntries((doc.clocks || []).map((c) => [c.clock_id, c]));
  const items = all.map((s) => {
    const clock = clocks[s.clock_id];
    const late = clock && (clock.breached || clock.met_on_time === false);
    const state = s.answered ? (late ? "late" : "on_time") : late ? "late" : "pending";
    const answer = !s.answered && handlingUnit && !settled ? stepForm(`supervision-${s.supervision_id}-answer`, t("work.answer"),
      [["report", "textarea", true, null, "report_text"]],
      (form) => send(form, doc, ctx, `supervisions/${s.supervision_id}/response`, { report: value(form, "report") }, "answer"), { open: true }) : null;
    return el("li", { id: `supervision-${s.supervision_id}`, class: late && !s.answered ? "f-overdue" : "" },
      el("p", {}, el("b", {}, s.demand), " ",
        el("span", { class: `badge s-${s.answered ? "answered" : "pending"}` }, t(s.answered ? "work.answered" : "work.pending")),
        state === "late" ? el("span", { class: "badge b-overdue" }, t("work.late")) : null),
      el("dl", { class: "facts" },
        fact(t("work.by"), recorder(s.ordered_by, s.by_division)),
        fact(t("work.answer_due"), clock?.due ? when(clock.due) : s.respond_by || "—"),
        s.answered ? fact(t("work.report_text"), `${s.report} (${recorder(s.answered_by)} · ${when(s.answered_at)})`) : null),
      answer);
  });
  const order = above && !settled ? stepForm("supervision-order", t("work.order"), [["demand", "textarea", true], ["respond_by", "date", false]],
    (form) => send(form, doc, ctx, "supervisions", {
      demand: value(form, "demand"), ...(value(form, "respond_by") ? { respond_by: value(form, "respond_by") } : {}),
    }, "order")) : null;
  return el("section", { class: "card", id: "supervision" }, el("h2", {}, t("work.supervisions")),
    items.length ? el("ol", { class: "supervisions" }, items) : el("p", { class: "muted" }, t("work.no_supervisions")), order);
}

// ---- consultations and instructions ----------------------------------------------------------

function consultationsCard(doc, ctx) {
  const held = doc.consultations || [];
  const lead = covers(doc.division_code, ctx.claims?.division) && !["closed", "not_accepted"].includes(doc.status);
  if (!held.length && !lead) return null;
  const items = held.map((c) => el("li", { id: `consultation-${c.consultation_id}` },
    el("p", {}, el("b", {}, c.held_on), " · ", c.units.join(t("work.list_sep")), " · ", c.participants.join(t("work.list_sep"))),
    el("dl", { class: "facts" }, fact(t("work.minutes"), c.minutes), fact(t("work.conclusions"), c.conclusions)),
    el("small", { class: "muted" }, t("work.recorded", { who: recorder(c.recorded_by, c.recorded_unit), when: when(c.recorded_at) }))));
  const record = lead ? stepForm("consultation-add", t("work.record_consultation"), [
    ["held_on", "date", true], ["units", "input", true], ["participants", "input", true], ["minutes", "textarea", true], ["conclusions", "textarea", true],
  ], (form) => send(form, doc, ctx, "consultations", {
    held_on: value(form, "held_on") || null, units: list(value(form, "units")), participants: list(value(form, "participants")),
    minutes: value(form, "minutes"), conclusions: value(form, "conclusions"),
  }, "consultation")) : null;
  return el("section", { class: "card", id: "consultations" }, el("h2", {}, t("work.consultations")),
    items.length ? el("ol", {}, items) : el("p", { class: "muted" }, t("work.no_consultations")), record);
}

function instructionCard(doc, ctx) {
  const may = covers(doc.division_code, ctx.claims?.division) && !["closed", "not_accepted"].includes(doc.status);
  if (!may) return null;
  const form = stepForm("instruction-add", t("work.give_instruction"), [["leader", "input", true], ["text", "textarea", true, null, "instruction_text"]],
    (f) => send(f, doc, ctx, "instructions", { leader: value(f, "leader"), text: value(f, "text") }, "instruction"));
  return el("section", { class: "card", id: "instruct" }, el("h2", {}, t("work.instructions")), form);
}

/** Where officials type in the work across units' forms: the page is not redrawn under them. */
export const WORK_FORMS = "#joint, #supervision, #consultations, #instruct";
