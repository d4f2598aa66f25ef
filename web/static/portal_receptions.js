// The portal's leader reception days (领导接访): the published days, and booking one with codes or a phone.

import { $, api, clearErrors, el, showErrors, t, when } from "./core.js";

const state = { list: [], chosen: null };

export async function showReceptions() {
  const box = $("#receptions-list");
  box.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
  try {
    state.list = (await api("intake", "v1/receptions", { params: { limit: 50 } })).receptions;
  } catch (failure) {
    box.replaceChildren(el("p", { class: "form-error" }, t("common.api_says") + failure.message));
    return;
  }
  renderReceptions();
}

export function renderReceptions() {
  const box = $("#receptions-list");
  if (!box) return;
  if (!state.list.length) {
    box.replaceChildren(el("p", { class: "muted" }, t("reception.none")));
    return;
  }
  box.replaceChildren(...state.list.map((r) => el("article", { class: "card reception", "data-schedule": r.schedule_id },
    el("h2", {}, `${r.leader_name} · ${t(`reception.kind_${r.kind}`)}`),
    el("dl", { class: "facts" },
      el("div", {}, el("dt", {}, t("reception.day")), el("dd", {}, when(`${r.day}T12:00:00+08:00`, false))),
      el("div", {}, el("dt", {}, t("reception.place")), el("dd", {}, r.place)),
      el("div", {}, el("dt", {}, t("reception.level")), el("dd", {}, t(`level.${r.level}`))),
      r.topics.length ? el("div", {}, el("dt", {}, t("reception.topics")), el("dd", {}, r.topics.join("、"))) : null,
      el("div", {}, el("dt", {}, t("reception.seats")), el("dd", { class: "seats" }, t("reception.remaining", { n: r.remaining, capacity: r.capacity })))),
    r.remaining > 0
      ? el("button", { type: "button", class: "primary", onclick: () => chooseReception(r) }, t("reception.book"))
      : el("p", { class: "notice" }, t("reception.full")))));
}

function chooseReception(reception) {
  state.chosen = reception;
  const form = $("#booking-form");
  form.hidden = false;
  clearErrors(form);
  $("#booking-done").hidden = true;
  $("#booking-for").textContent = `${reception.leader_name} · ${when(`${reception.day}T12:00:00+08:00`, false)} · ${reception.place}`;
  renderMode();
  form.scrollIntoView?.();
  form.querySelector("input[name=bk-mode]:checked").focus();
}

function renderMode() {
  const withCodes = $("#booking-form input[name=bk-mode]:checked").value === "codes";
  $("#bk-codes").hidden = !withCodes;
  $("#bk-new").hidden = withCodes;
}

async function bookChosen(event) {
  event.preventDefault();
  const form = $("#booking-form");
  clearErrors(form);
  const withCodes = form.querySelector("input[name=bk-mode]:checked").value === "codes";
  const value = (id) => $(id).value.trim();
  const body = withCodes
    ? { tracking_code: value("#bk-tracking"), access_code: value("#bk-access") }
    : { name: value("#bk-name"), phone: value("#bk-phone"), matter: value("#bk-matter") };
  try {
    const booked = await api("intake", `v1/receptions/${state.chosen.schedule_id}/bookings`, { method: "POST", body });
    form.hidden = true;
    const done = $("#booking-done");
    done.hidden = false;
    done.replaceChildren(el("p", { class: "success", role: "status" }, t("reception.booked", {
      day: when(`${booked.schedule.day}T12:00:00+08:00`, false), place: booked.schedule.place,
    })));
    form.reset();
    await showReceptions();
  } catch (failure) {
    showErrors(form, failure);
  }
}

export function installReceptions() {
  $("#booking-form").addEventListener("submit", bookChosen);
  for (const radio of document.querySelectorAll("#booking-form input[name=bk-mode]")) radio.addEventListener("change", renderMode);
}
