// What both pages share: language, the API client, times in the deployment's zone, small DOM helpers.
// Text from petitions only ever goes through textContent, never innerHTML.

import { STRINGS } from "./i18n.js";
import { splitErrors, translate } from "./logic.js";

export const page = {
  lang: localStorage.getItem("pujiang.lang") === "en" ? "en" : "zh",
  timezone: "Asia/Shanghai",
  config: null,
  clockOffsetMs: 0, // the system's (possibly simulated) time minus this browser's
  onLanguage: () => {},
};

export const t = (key, vars) => translate(page.lang, key, vars);
export const $ = (selector, root = document) => root.querySelector(selector);
export const now = () => Date.now() + page.clockOffsetMs;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** Puts the page's language on every `data-i18n` element and the document; re-renders the rest. */
export function applyLanguage() {
  document.documentElement.lang = page.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  const title = document.querySelector("[data-i18n-title]");
  if (title) document.title = t(title.dataset.i18nTitle);
  page.onLanguage();
}

export function installLanguageSwitch(button) {
  button.addEventListener("click", () => {
    page.lang = page.lang === "zh" ? "en" : "zh";
    localStorage.setItem("pujiang.lang", page.lang);
    applyLanguage();
  });
}

/** A time in the deployment's time zone, in the page's language. */
export function when(iso, withTime = true) {
  if (!iso) return "—";
  const options = { timeZone: page.timezone, year: "numeric", month: "2-digit", day: "2-digit" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit", hour12: false });
  return new Intl.DateTimeFormat(page.lang === "zh" ? "zh-CN" : "en-GB", options).format(new Date(iso));
}

/** A name object or a pair of fields ({name_zh, name_en}) in the page's language. */
export const named = (item, field = "name") => (item ? item[`${field}_${page.lang}`] || item[`${field}_zh`] || "" : "");

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * One call to a service's public API through this origin's proxy (`/api/<service>/...`).
 * Throws ApiFailure with the API's error body; status 0 when the network failed.
 */
export async function api(service, path, { method = "GET", body, token, params, headers = {} } = {}) {
  const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== "")) : null;
  const url = `/api/${service}/${path}${query && query.size ? `?${query}` : ""}`;
  const sent = { method, headers: { accept: "application/json", ...headers } };
  if (token) sent.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    sent.headers["content-type"] = "application/json";
    sent.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, sent);
  } catch {
    throw new ApiFailure(0, { error: { code: "network", message: t("common.network"), details: [] } });
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: { code: "malformed", message: text.slice(0, 200), details: [] } };
  }
  if (!response.ok) throw new ApiFailure(response.status, parsed);
  return parsed;
}

export async function loadConfig() {
  page.config = await (await fetch("/auth/config")).json();
  page.timezone = page.config.timezone || page.timezone;
  return page.config;
}

/** Learns the system's time (simulated in dev) so countdowns count from it. */
export async function syncClock() {
  try {
    const clock = await api("sla", "admin/clock");
    page.clockOffsetMs = Date.parse(clock.now) - Date.now();
  } catch {
    page.clockOffsetMs = 0;
  }
}

/** Clears a form's error marks. */
export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  }
  const banner = form.querySelector(".form-error");
  if (banner) banner.replaceChildren();
}

/**
 * Shows an API error at the fields it names (inputs carry `data-field="petitioner.phone"`), in the
 * API's own words, and what names no field of this form above the submit button. Focuses the first.
 */
export function showErrors(form, failure, extra = []) {
  const inputs = [...form.querySelectorAll("[data-field]")];
  const names = inputs.map((i) => i.dataset.field);
  const { byField, general } = splitErrors(failure.body, names);
  let first = null;
  for (const input of inputs) {
    const message = byField[input.dataset.field];
    if (!message) continue;
    const id = `${input.id}-error`;
    const note = el("p", { class: "field-error", id, role: "alert" }, message);
    (input.closest(".field") || input).append(note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    first ??= input;
  }
  const banner = form.querySelector(".form-error");
  const lines = [...extra, ...(general.length ? [t("common.api_says") + general.join("; ")] : [])];
  if (failure.status === 503 || failure.status === 0) lines.unshift(t("common.unavailable"));
  if (banner && lines.length) banner.replaceChildren(...lines.map((line) => el("p", {}, line)));
  (first || banner)?.focus?.();
  return first;
}

export const STRING_TABLES = STRINGS;
