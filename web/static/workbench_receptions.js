// The workbench's leader reception days (领导接访 / 下访): publishing a day, its bookings, recording each reception.

import { $, clearErrors, el, named, now, showErrors, t, when } from "./core.js";

const LEVELS = ["village", "township", "county", "city", "province"];
const PLACE_KINDS = ["social_governance_centre", "petition_office", "village"];
const day = (iso) => when(`${iso}T12:00:00+08:00`, false);
const field = (id, label, input) => el("div", { class: "field" }, el("label", { for: id }, label), input);

function todayIso() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(now()));
}

/** #/receptions: the form to publish a day, and the days of the caller's division and below. */
export async function showReceptionDays(ctx) {
  const { call, claims } = ctx;
  const box = $("#receptions-box");
  const form = el("form", { id: "publish-form", class: "card", novalidate: true },
    el("h2", {}, t("reception.publish")),
    field("rc-kind", t("reception.kind"), el("select", { id: "rc-kind", "data-field": "kind" },
      ...["reception", "visit"].map((k) => el("option", { value: k }, t(`reception.kind_${k}`))))),
    field("rc-leader", t("reception.leader"), el("input", { id: "rc-leader", "data-field": "leader", value: claims.sub, maxlength: 100 })),
    field("rc-leader-name", t("reception.leader_name"), el("input", { id: "rc-leader-name", "data-field": "leader_name", maxlength: 100 })),
    field("rc-level", t("reception.level"), el("select", { id: "rc-level", "data-field": "level" },
      ...LEVELS.map((l) => el("option", { value: l, selected: l === "county" ? "" : null }, t(`level.${l}`))))),
    field("rc-division", t("reception.division"), el("input", { id: "rc-division", "data-field": "division_code", value: claims.division, inputmode: "numeric", maxlength: 12 })),
    field("rc-day", t("reception.day"), el("input", { id: "rc-day", "data-field": "day", type: "date", value: todayIso() })),
    field("rc-place", t("reception.place"), el("input", { id: "rc-place", "data-field": "place", maxlength: 200 })),
    field("rc-place-kind", t("reception.place_kind"), el("select", { id: "rc-place-kind", "data-field": "place_kind" },
      ...PLACE_KINDS.map((k) => el("option", { value: k }, t(`reception.place_${k}`))))),
    field("rc-topics", t("reception.topics_input"), el("input", { id: "rc-topics", "data-field": "topics" })),
    field("rc-capacity", t("reception.capacity"), el("input", { id: "rc-capacity", "data-field": "capacity", type: "number", min: 1, max: 500, value: 20 })),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("reception.publish_go")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const value = (id) => $(id).value.trim();
    const body = {
      kind: value("#rc-kind"), leader: value("#rc-leader"), leader_name: value("#rc-leader-name"), level: value("#rc-level"),
      division_code: value("#rc-division"), day: value("#rc-day"), place: value("#rc-place"), place_kind: value("#rc-place-kind"),
      topics: value("#rc-topics").split(/[,，、]/).map((s) => s.trim()).filter(Boolean),
      capacity: Number(value("#rc-capacity") || 0),
    };
    try {
      const published = await call("intake", "v1/receptions", { method: "POST", body });
      location.hash = `#/reception/${published.schedule_id}`;
    } catch (failure) {
      showErrors(form, failure);
    }
  });
  const list = el("div", { id: "receptions-days" }, el("p", { class: "muted" }, t("common.loading")));
  box.replaceChildren(list, form);
  try {
    const { receptions } = await call("intake", "v1/receptions", { params: { division: claims.division, limit: 100 } });
    list.replaceChildren(el("h2", {}, t("reception.upcoming")), receptions.length
      ? el("ul", { class: "days" }, receptions.map((r) => el("li", {},
        el("a", { href: `#/reception/${r.schedule_id}` }, `${day(r.day)} · ${r.leader_name} · ${r.place}`), " ",
        el("small", { class: "muted" }, `${t(`reception.kind_${r.kind}`)} · ${t("reception.remaining", { n: r.remaining, capacity: r.capacity })}`))))
      : el("p", { class: "muted" }, t("reception.none")));
  } catch (failure) {
    list.replaceChildren(el("p", { class: "form-error" }, t("common.api_says") + failure.message));
  }
}

/** #/reception/<id>: the day, its bookings, and a form to record each reception (or a walk-in). */
export async function showReceptionDay(ctx, scheduleId) {
  const { call } = ctx;
  const box = $("#reception-box");
  box.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
  let doc;
  try {
    doc = await call("intake", `v1/receptions/${scheduleId}/bookings`);
  } catch (failure) {
    box.replaceChildren(el("p", { class: "form-error" }, t("common.api_says") + failure.message));
    return;
  }
  const who = (b) => (b.tracking_code ? el("code", {}, b.tracking_code) : `${b.name} · ${b.phone}`);
  const rows = doc.bookings.map((b) => el("tr", { "data-booking": b.booking_id },
    el("td", { "data-label": t("reception.who") }, who(b)),
    el("td", { "data-label": t("reception.matter") }, b.matter || "—"),
    el("td", { "data-label": t("reception.state") }, b.held ? t(b.attended ? "reception.attended" : "reception.absent") : t("reception.waiting")),
    el("td", { "data-label": t("reception.record") }, b.held ? "" : recordForm(ctx, doc, b))));
  box.replaceChildren(
    el("h2", {}, `${doc.leader_name} · ${t(`reception.kind_${doc.kind}`)}`),
    el("p", {}, `${day(doc.day)} · ${doc.place} · ${t(`level.${doc.level}`)} · ${t("reception.remaining", { n: doc.remaining, capacity: doc.capacity })}`),
    doc.topics.length ? el("p", { class: "muted" }, `${t("reception.topics")}：${doc.topics.join("、")}`) : "",
    el("h3", {}, t("reception.bookings")),
    rows.length
      ? el("table", { class: "cases bookings" }, el("thead", {}, el("tr", {}, ...["who", "matter", "state", "record"].map((k) => el("th", { scope: "col" }, t(`reception.${k}`))))), el("tbody", {}, rows))
      : el("p", { class: "muted" }, t("reception.no_bookings")),
    el("h3", {}, t("reception.walk_in")),
    recordForm(ctx, doc, null),
    el("div", { id: "record-result", role: "status" }));
}

function recordForm(ctx, doc, booking) {
  const key = booking ? booking.booking_id.slice(0, 8) : "walkin";
  const id = (name) => `rec-${key}-${name}`;
  const needsPerson = !booking || !booking.name;
  const form = el("form", { class: "record-form", novalidate: true },
    el("div", { class: "field check" }, el("input", { id: id("attended"), type: "checkbox", checked: true, "data-field": "attended" }),
      el("label", { for: id("attended") }, t("reception.attended_q"))),
    field(id("matters"), t("reception.matters"), el("textarea", { id: id("matters"), "data-field": "matters", rows: 2, maxlength: 5000 })),
    booking?.tracking_code ? "" : field(id("link"), t("reception.link"), el("input", { id: id("link"), "data-field": "link.0" })),
    el("fieldset", {}, el("legend", {}, t("reception.open")),
      field(id("category"), t("portal.category"), el("select", { id: id("category"), "data-field": "open.category" },
        el("option", { value: "" }, t("reception.no_new_case")), ...ctx.categories.map((c) => el("option", { value: c.key }, named(c))))),
      field(id("title"), t("portal.subject"), el("input", { id: id("title"), "data-field": "open.title", maxlength: 200, value: booking?.matter?.slice(0, 60) || "" })),
      field(id("content"), t("portal.content"), el("textarea", { id: id("content"), "data-field": "open.content", rows: 2, maxlength: 20000 }, booking?.matter || "")),
      needsPerson ? field(id("name"), t("portal.name"), el("input", { id: id("name"), "data-field": "open.petitioner.name", maxlength: 100 })) : "",
      needsPerson ? field(id("phone"), t("portal.phone"), el("input", { id: id("phone"), "data-field": "open.petitioner.phone", type: "tel" })) : ""),
    el("div", { class: "form-error", role: "alert", tabindex: -1 }),
    el("button", { type: "submit", class: "primary" }, t("reception.record_go")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const value = (name) => form.querySelector(`#${id(name)}`)?.value.trim() ?? "";
    const body = { booking_id: booking?.booking_id ?? null, attended: form.querySelector(`#${id("attended")}`).checked, matters: value("matters") };
    if (value("link")) body.link = [value("link")];
    if (value("category")) {
      body.open = { division_code: doc.division_code, category: value("category"), title: value("title"), content: value("content") };
      if (needsPerson) body.open.petitioner = { name: value("name"), phone: value("phone") };
    }
    try {
      const recorded = await ctx.call("intake", `v1/receptions/${doc.schedule_id}/record`, { method: "POST", body });
      await showReceptionDay(ctx, doc.schedule_id);
      $("#record-result").replaceChildren(el("p", { class: "success" }, t("reception.recorded", { n: recorded.case_ids.length })),
        ...recorded.opened.map((o) => el("p", {}, t("reception.opened_codes"), el("code", {}, o.tracking_code), " / ", el("code", {}, o.access_code || "—"))));
      $("#record-result").focus?.();
    } catch (failure) {
      showErrors(form, failure);
    }
  });
  return form;
}
