// Pure logic of the pages (no DOM, no fetch), unit-tested with `node --test web/tests`.

import { STRINGS } from "./i18n.js";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The string under a dotted key in `lang`, falling back to Chinese, then to the key itself. */
export function translate(lang, key, vars = {}) {
  const find = (table) => key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), table);
  let text = find(STRINGS[lang]);
  if (typeof text !== "string") text = find(STRINGS.zh);
  if (typeof text !== "string") return key.split(".").pop().replace(/_/g, " ");
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Whether the catalogue has a string under `key` (in Chinese, which every key has). */
export function hasString(key) {
  const found = key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), STRINGS.zh);
  return typeof found === "string";
}

/**
 * One step of the petitioner's timeline in `lang`: its `kind` from the catalogue's `timeline`
 * group with its params (a channel in words too), else the English `text` intake sent.
 */
export function stepText(lang, step) {
  const key = `timeline.${step.kind}`;
  if (!step.kind || !hasString(key)) return step.text || "";
  const params = { ...(step.params || {}) };
  if (params.channel) params.channel = translate(lang, `channel.${params.channel}`);
  return translate(lang, key, params);
}

/** What the workbench's search box holds looks like a phone number (the form intake accepts). */
export const looksLikePhone = (query) => /^\+?[0-9][0-9\- ]{4,19}$/.test(query.trim());

/** The claims of a JWT (not verified: the services verify it; the page only reads role, division, exp). */
export function jwtClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** A token is usable while it has the claims the services need and has not expired. */
export function tokenUsable(claims, nowMs) {
  if (!claims || !claims.sub || !claims.role || !claims.division) return false;
  return claims.exp == null || claims.exp * 1000 > nowMs;
}

/** Time left until `dueIso` (negative when past) split into days, hours, minutes. */
export function countdown(dueIso, nowMs) {
  const left = Date.parse(dueIso) - nowMs;
  const abs = Math.abs(left);
  return {
    overdue: left < 0,
    ms: left,
    days: Math.floor(abs / DAY),
    hours: Math.floor((abs % DAY) / HOUR),
    minutes: Math.floor((abs % HOUR) / 60_000),
  };
}

export function countdownText(lang, dueIso, nowMs) {
  const c = countdown(dueIso, nowMs);
  const vars = { d: c.days, h: c.hours, m: c.minutes };
  if (c.days === 0) return translate(lang, c.overdue ? "clock.over_hours" : "clock.left_hours", vars);
  return translate(lang, c.overdue ? "clock.over" : "clock.left", vars);
}

/** The request windows run against the petitioner, not against an official's deadline. */
export const officialsClock = (clock) => !String(clock.kind || "").endsWith("_request_window");

/** How urgent one clock of the read model is: stopped, paused, overdue, at_risk or running. */
export function clockState(clock, nowMs) {
  if (clock.stopped) return "stopped";
  if (clock.paused) return "paused";
  if (clock.breached || (clock.due && Date.parse(clock.due) < nowMs)) return "overdue";
  if ((clock.warned && clock.warned.length) || (clock.due && Date.parse(clock.due) - nowMs < 3 * DAY)) return "at_risk";
  return "running";
}

/** The running official clock that falls due first, or null. */
export function nextClock(doc, nowMs) {
  const running = (doc.clocks || []).filter((c) => officialsClock(c) && c.due && !c.stopped);
  running.sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
  return running.length ? { ...running[0], state: clockState(running[0], nowMs) } : null;
}

const SIGNABLE = new Set(["assigned", "under_review", "under_re_review"]);

/** Whether the unit the case is at has yet to sign for it (签收). */
export function isUnsigned(doc) {
  // Routing's worklist row (`signed`) is the freshest; then the read model's flag; then the status.
  if (typeof doc.signed === "boolean") return !doc.signed && SIGNABLE.has(doc.status);
  if (typeof doc.unsigned === "boolean") return doc.unsigned;
  return doc.status === "assigned";
}

/** What makes a case stand out in the worklist, most pressing first. */
export function caseFlags(doc, nowMs) {
  const flags = [];
  const next = nextClock(doc, nowMs);
  if (doc.overdue || next?.state === "overdue") flags.push("overdue");
  else if (doc.at_risk || next?.state === "at_risk") flags.push("at_risk");
  // Not yet signed for by the unit it is at (the read model's `unsigned`, routing's `signed`).
  if (isUnsigned(doc)) flags.push("unsigned");
  if (doc.supervision) flags.push("supervision");
  if (doc.leader) flags.push("leader");
  if (doc.collective) flags.push("collective");
  return flags;
}

const URGENCY = { overdue: 0, at_risk: 1, unsigned: 2 };

/** Sorts a copy: "due" puts overdue first, then at risk, then the soonest due; "new" and "old" by opening. */
export function sortCases(cases, by, nowMs) {
  const opened = (d) => Date.parse(d.opened_at || d.submitted_at || 0) || 0;
  const due = (d) => {
    const next = nextClock(d, nowMs);
    return next ? Date.parse(next.due) : Number.MAX_SAFE_INTEGER;
  };
  const rank = (d) => Math.min(3, ...caseFlags(d, nowMs).map((f) => URGENCY[f] ?? 3));
  const copy = [...cases];
  if (by === "new") copy.sort((a, b) => opened(b) - opened(a));
  else if (by === "old") copy.sort((a, b) => opened(a) - opened(b));
  else copy.sort((a, b) => rank(a) - rank(b) || due(a) - due(b) || opened(a) - opened(b));
  return copy;
}

/** Whether a case matches what was typed in the search box (tracking code, title or case id). */
export function matchesSearch(doc, query) {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [doc.tracking_code, doc.title, doc.case_id].some((v) => v && String(v).toLowerCase().includes(q));
}

/** Filters of the worklist applied to one case. */
export function matchesFilters(doc, filters, nowMs) {
  if (filters.status && doc.status !== filters.status) return false;
  if (filters.level && doc.level !== filters.level) return false;
  if (filters.category && doc.category !== filters.category) return false;
  const flags = caseFlags(doc, nowMs);
  if (filters.flag && !flags.includes(filters.flag)) return false;
  return matchesSearch(doc, filters.search || "");
}

/**
 * The query of `GET /v1/cases.csv` for the jurisdiction's list as filtered: what the list API can
 * filter on (status, else every open status; level; category; the overdue and at-risk flags), in
 * the page's language. The other flags and the search box narrow the page only.
 */
export function exportQuery(division, filters, lang) {
  const query = new URLSearchParams({ division, status: filters.status || "open" });
  if (filters.level) query.set("level", filters.level);
  if (filters.category) query.set("category", filters.category);
  if (filters.flag === "overdue" || filters.flag === "at_risk") query.set(filters.flag, "true");
  query.set("lang", lang);
  return query;
}

/** The file name of a Content-Disposition header (RFC 5987's `filename*` first), or `fallback`. */
export function attachmentName(header, fallback) {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header || "");
  if (encoded) {
    try { return decodeURIComponent(encoded[1]); } catch { /* a malformed name: try the plain one */ }
  }
  const plain = /filename="([^"]+)"/i.exec(header || "");
  return plain ? plain[1] : fallback;
}

/**
 * An error answer of the API split for the form: messages by field name, and what is left for
 * the form as a whole. A field is named by its path in the body ("petitioner.phone").
 */
export function splitErrors(body, fieldNames) {
  const error = body?.error || {};
  const byField = {};
  const general = [];
  for (const detail of error.details || []) {
    const field = detail.field;
    if (field && fieldNames.includes(field)) byField[field] = byField[field] ? `${byField[field]}; ${detail.message}` : detail.message;
    else if (field && detail.message) general.push(`${field}: ${detail.message}`);
  }
  if (!Object.keys(byField).length && !general.length) general.push(error.message || "");
  return { byField, general: general.filter(Boolean) };
}

/** The status a 409 says the case is in now, if it says. */
export function conflictStatus(body) {
  for (const detail of body?.error?.details || []) if (detail.current_status) return detail.current_status;
  return null;
}

/** The divisions whose names (Chinese or English) or codes contain the query, best matches first. */
export function searchDivisions(divisions, query, limit = 20) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const score = (d) => {
    const names = [d.name_zh, d.name_en, d.code].map((n) => String(n || "").toLowerCase());
    if (names.some((n) => n === q)) return 0;
    if (names.some((n) => n.startsWith(q))) return 1;
    return names.some((n) => n.includes(q)) ? 2 : null;
  };
  return divisions
    .map((d) => ({ d, s: score(d) }))
    .filter((x) => x.s !== null)
    .sort((a, b) => a.s - b.s || a.d.code.localeCompare(b.d.code))
    .slice(0, limit)
    .map((x) => x.d);
}
