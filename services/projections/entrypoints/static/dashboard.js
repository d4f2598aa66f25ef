// The supervisor's live page: figures from /v1/stats, lists from /v1/cases, updates from /v1/stream,
// trends, rankings and the month's topics from /v1/trends, /v1/scorecards and /v1/topics.
// No framework and no build step: the page is served as is. Text from petitions only ever goes
// through textContent, never innerHTML.
// Every string comes from the pages' one catalogue (shared/i18n/strings.json, served beside this
// page with the deployment's category names): the dashboard's own words in its `dashboard` group.
import T from "./strings.json" with { type: "json" };

const LEVELS = ["village", "township", "county", "city", "province"];
const OPEN_STATUSES = ["submitted", "assigned", "accepted", "resolved", "under_review", "under_re_review"];

const state = {
  lang: localStorage.getItem("pujiang.lang") || "zh", token: null, division: null, stats: null,
  lastEvent: null, source: null, refreshTimer: null, drill: null, caseId: null, hotWindow: "last_7d",
  timezone: "Asia/Shanghai", workbench: false, trends: null, trendDay: {}, scores: null, topics: null,
};
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
const t = (key, vars = {}) => fill(T[state.lang].dashboard[key] ?? T.zh.dashboard[key] ?? key, vars);
// A word of the shared vocabulary (status, level, channel, clock, event, category) in the page's language.
const word = (group, key) => {
  if (key == null) return "—";
  if (group === "level" && key === "none") return t("level_none");
  const found = T[state.lang][group]?.[key] ?? T.zh[group]?.[key];
  return found ?? String(key).replace(/_/g, " ");
};
const pct = (rate) => (rate == null ? "—" : `${(rate * 100).toFixed(1)}%`);
// A division by name in the page's language, its code as the tooltip-free fallback.
const placeName = (code, name) => (name ? `${name[state.lang] ?? name.zh} (${code})` : code);
// In the deployment's time zone (told by `web` when it serves this page), not the browser's.
const when = (iso) => (iso ? new Date(iso).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB", { timeZone: state.timezone }) : "—");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "onclick") node.addEventListener("click", v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function jwtClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch { return {}; }
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== ""));
  const response = await fetch(`${path}${query.size ? "?" + query : ""}`, {
    headers: { Authorization: `Bearer ${state.token}` },
  });
  if (response.status === 401) { showLogin(t("bad_token")); throw new Error("unauthorized"); }
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body?.error?.message || response.statusText), { status: response.status });
  return body;
}

// ---- figures ---------------------------------------------------------------------------------
function counter(id, label, value, filter, tone = "") {
  const num = el("a", { class: "num", id: `count-${id}`, "data-value": value }, value);
  if (filter) num.addEventListener("click", () => openDrill(label, filter));
  return el("div", { class: `counter ${value > 0 ? tone : ""}` }, el("span", { class: "label" }, label), num);
}

function renderCounters(s) {
  const resolved = s.pyramid.resolved;
  const box = $("counters");
  const before = Object.fromEntries([...box.querySelectorAll(".num")].map((n) => [n.id, n.dataset.value]));
  box.replaceChildren(
    counter("total", t("total"), s.cases.total, {}),
    counter("open", t("open"), s.cases.open, { status: "open" }),
    counter("overdue", t("overdue"), s.overdue, { overdue: true }, "bad"),
    counter("at-risk", t("at_risk"), s.at_risk, { at_risk: true }, "warn"),
    counter("escalated", t("escalated"), s.escalated, null),
    counter("resolved", t("resolved"), resolved, { status: "resolved,closed" }),
    counter("new-7d", t("new_7d"), s.new_cases.last_7d, null),
  );
  for (const n of box.querySelectorAll(".num")) {
    if (before[n.id] !== undefined && before[n.id] !== n.dataset.value) n.parentElement.classList.add("flash");
  }
}

function bar(label, share, target, text, onclick, tone = "") {
  const fill = el("div", { class: "fill", style: `width:${Math.min(100, (share || 0) * 100)}%` });
  const mark = target != null ? el("div", { class: "target", style: `left:${target * 100}%` }) : "";
  const name = el("span", { class: onclick ? "link" : "" }, label);
  if (onclick) name.addEventListener("click", onclick);
  return el("div", { class: `bar-row ${tone}` }, name, el("div", { class: "bar" }, fill, mark), el("span", {}, text));
}

function renderPyramid(s) {
  $("pyramid").replaceChildren(...s.pyramid.levels.filter((l) => l.count || l.target).map((l) =>
    bar(word("level", l.level), l.share, l.target, `${l.count} · ${pct(l.share)} / ${pct(l.target)}`,
      () => openDrill(`${t("resolved")} · ${word("level", l.level)}`, { resolved_level: l.level }))));
}

function renderRates(s) {
  const rows = [
    ["first_time", s.first_time_resolution, s.first_time_resolution.settled, { status: "closed" }],
    ["satisfaction", s.satisfaction, s.satisfaction.feedback, null],
    ["on_time", s.on_time, s.on_time.stopped, null],
    ["online", s.online_share, s.online_share.cases, { channel: "online" }],
  ];
  $("rates").replaceChildren(...rows.map(([key, fig, whole, filter]) => {
    const tone = fig.rate == null || fig.target == null ? "" : fig.rate >= fig.target ? "ok" : "low";
    const text = `${pct(fig.rate)} (${whole})${fig.target != null ? ` / ${pct(fig.target)}` : ""}`;
    return bar(t(key), fig.rate, fig.target ?? null, text, filter && (() => openDrill(t(key), filter)), `rate ${tone}`);
  }));
}

// The work between units: two rates as bars, the rest as counts (issue 10's stats).
function renderWork(s) {
  const signed = s.sign_off, answered = s.supervision_response;
  $("work-rates").replaceChildren(
    bar(t("sign_off"), signed.rate, null, `${pct(signed.rate)} (${signed.signed}/${signed.received})`, null, "rate"),
    bar(t("supervision_response"), answered.rate, null,
      `${pct(answered.rate)} (${answered.on_time}/${answered.on_time + answered.late})`, null, "rate"));
  const o = s.objections, x = s.extensions, j = s.joint_cases, g = s.collective;
  const facts = [
    ["unsigned", s.unsigned],
    ["objections", `${o.upheld} ${t("upheld")} · ${o.dismissed} ${t("dismissed")} · ${o.pending} ${t("pending_ruling")}`],
    ["extensions", `${x.granted} ${t("granted")} · ${x.denied} ${t("denied")}`],
    ["joint_cases", `${j.cases} (${t("of_them_open")} ${j.open}) · ${s.tasks.open ?? 0} ${t("open_tasks")}`],
    ["consultations", s.consultations],
    ["supervision_pending", answered.pending],
    ["instructions", `${s.instructions.given} · ${s.instructions.cases} ${t("instructed_cases")}`],
    ["collective", `${g.cases} (${t("of_them_open")} ${g.open}) · ${g.people} ${t("people")}`],
  ];
  $("work").replaceChildren(...facts.map(([k, v]) => el("div", {}, el("dt", {}, t(k)), el("dd", { id: `work-${k}` }, v))));
}

function renderOpenGrid(s) {
  const grid = s.open.by_level_and_status;
  const levels = [...LEVELS, "none"].filter((l) => grid[l]);
  const statuses = OPEN_STATUSES.filter((st) => levels.some((l) => grid[l][st]));
  const cell = (level, status, n) => {
    if (!n) return el("td", { class: "n muted" }, "0");
    const filter = { status: status || "open", ...(level && level !== "none" ? { level } : {}) };
    const label = `${level ? word("level", level) : t("all_levels")} · ${status ? word("status", status) : t("open")}`;
    return el("td", { class: "n" }, el("a", { onclick: () => openDrill(label, filter) }, n));
  };
  $("open-grid").replaceChildren(
    el("tr", {}, el("th"), ...statuses.map((st) => el("th", {}, word("status", st))), el("th", {}, t("all_levels"))),
    ...levels.map((l) => el("tr", {}, el("th", {}, word("level", l)),
      ...statuses.map((st) => cell(l, st, grid[l][st] || 0)), cell(l, null, s.open.by_level[l] || 0))),
  );
}

function renderHot(s) {
  const spots = s.hot_spots[state.hotWindow];
  if (!spots.length) { $("hot").replaceChildren(el("tr", {}, el("td", { class: "muted" }, t("no_cases")))); return; }
  $("hot").replaceChildren(
    el("tr", {}, el("th", {}, t("place")), el("th", {}, t("category_col")), el("th", { class: "n" }, "7"),
      el("th", { class: "n" }, "30")),
    ...spots.map((h) => el("tr", {},
      el("td", {}, el("a", { onclick: () => { $("division").value = h.division; setDivision(h.division); } },
        placeName(h.division, h.division_name))),
      el("td", {}, el("a", { onclick: () => openDrill(`${placeName(h.division, h.division_name)} · ${word("category", h.category)}`,
        { category: h.category }, h.division) }, word("category", h.category))),
      el("td", { class: "n" }, `${h.last_7d} `, el("span", { class: h.rising ? "up" : "flat" }, h.rising ? "▲" : "")),
      el("td", { class: "n" }, h.last_30d))),
  );
}

function caseRows(cases) {
  if (!cases.length) return [el("tr", {}, el("td", { class: "muted" }, t("no_cases")))];
  return cases.map((c) => el("tr", {},
    el("td", {}, el("a", { onclick: () => showCase(c.case_id) }, c.title || c.case_id.slice(0, 8))),
    el("td", {}, word("status", c.status)), el("td", {}, word("level", c.level)),
    el("td", {}, word("category", c.category)), el("td", {}, c.unit_name || c.division_code || ""),
    el("td", { class: "muted" }, when(c.opened_at))));
}

async function renderLists() {
  const [overdue, risky] = await Promise.all([
    api("/v1/cases", { division: state.division, overdue: true, limit: 10 }),
    api("/v1/cases", { division: state.division, at_risk: true, limit: 10 }),
  ]);
  $("overdue-list").replaceChildren(...caseRows(overdue.cases));
  $("at-risk-list").replaceChildren(...caseRows(risky.cases));
}

// ---- trends: one small chart per series, drawn here as SVG (no library) -----------------------
const TRENDS = [["received", "bars"], ["resolved", "bars"], ["overdue", "bars"], ["satisfaction", "line"]];
const shift = (day, days) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

// Bars of counts, or a line of a rate (0..1) through the days that have one; 100 × days units wide.
function plot(kind, values) {
  const top = kind === "line" ? 1 : Math.max(1, ...values);
  const y = (v) => 100 - (v / top) * 96;
  if (kind === "bars") {
    return values.map((v, i) => svg("rect", { class: "bar-day", "data-i": i, x: i * 10 + 1, width: 8, y: y(v), height: 100 - y(v) }));
  }
  const points = values.map((v, i) => (v == null ? null : `${i * 10 + 5},${y(v)}`));
  const runs = points.join(" ").split(/\s*null\s*/).filter(Boolean);  // a day without answers breaks the line
  return [
    ...runs.map((run) => svg("polyline", { class: "line", points: run })),
    ...values.map((v, i) => (v == null ? null : svg("rect", { class: "dot-day", "data-i": i, x: i * 10 + 3, y: y(v) - 2, width: 4, height: 4 })))
      .filter(Boolean),
  ];
}

function trendChart(key, kind, tr) {
  const name = t(`trend_${key}`), days = tr.days, totals = tr.totals;
  const values = days.map((d) => d[key]);
  const shown = (v) => (kind === "line" ? pct(v) : String(v));
  const summary = kind === "line"
    ? t("trend_rate", { part: totals.satisfied, whole: totals.answers, rate: pct(totals.satisfaction) })
    : t("trend_total", { n: totals[key] });
  const rates = values.filter((v) => v != null);
  const best = kind === "line" ? (rates.length ? Math.max(...rates) : null) : Math.max(0, ...values);
  const first = days[0]?.day ?? "", last = days.at(-1)?.day ?? "";
  const label = t("trend_chart_label", { name, from: first, to: last, summary, max: shown(best) });
  const id = `trend-${key}`;
  const total = kind === "line" ? `${totals.satisfied}/${totals.answers}` : totals[key];
  const readout = el("output", { id: `${id}-day`, "aria-live": "polite" });
  const chart = svg("svg", { viewBox: `0 0 ${Math.max(1, days.length) * 10} 100`, preserveAspectRatio: "none", role: "img",
    "aria-labelledby": `${id}-title` }, svg("title", { id: `${id}-title` }, label),
    svg("line", { class: "baseline", x1: 0, x2: Math.max(1, days.length) * 10, y1: 99.5, y2: 99.5 }), ...plot(kind, values));
  const figure = el("figure", { class: "chart", id, "data-series": key, "data-total": total, tabindex: "0",
    "aria-label": label, "aria-describedby": `${id}-day` },
    el("figcaption", {}, el("span", {}, name), el("b", { class: "total" }, summary)),
    chart,
    el("div", { class: "axis", "aria-hidden": "true" }, el("span", {}, first.slice(5)), el("span", {}, t("trend_max", { v: shown(best) })),
      el("span", {}, last.slice(5))),
    readout,
    el("table", { class: "sr-only" }, el("caption", {}, t("trend_table", { name })),
      el("tr", {}, el("th", {}, t("trend_day")), el("th", {}, name)),
      ...days.map((d) => el("tr", {}, el("td", {}, d.day), el("td", { class: "n" },
        kind === "line" ? `${pct(d.satisfaction)} (${d.satisfied}/${d.answers})` : d[key])))));
  // By keyboard: focus the chart, arrows (Home/End) pick a day, its figure is read out and shown.
  let picked = state.trendDay[key] ?? days.length - 1;
  const pick = (i) => {
    picked = state.trendDay[key] = Math.max(0, Math.min(days.length - 1, i));
    for (const mark of chart.querySelectorAll("[data-i]")) mark.classList.toggle("picked", Number(mark.dataset.i) === picked);
    const d = days[picked];
    if (d) readout.textContent = `${d.day}: ${kind === "line" ? `${pct(d.satisfaction)} (${d.satisfied}/${d.answers})` : d[key]}`;
  };
  figure.addEventListener("keydown", (e) => {
    const to = { ArrowLeft: picked - 1, ArrowRight: picked + 1, Home: 0, End: days.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    pick(to);
  });
  figure.addEventListener("focus", () => pick(picked));
  chart.addEventListener("click", (e) => { if (e.target.dataset?.i) pick(Number(e.target.dataset.i)); });
  return figure;
}

function renderTrends() {
  const box = $("trends");
  if (state.trends === "forbidden") { box.replaceChildren(el("p", { class: "muted" }, t("trend_unavailable"))); return; }
  if (!state.trends) return;
  const focused = box.contains(document.activeElement) ? document.activeElement.id : null;
  box.replaceChildren(...TRENDS.map(([key, kind]) => trendChart(key, kind, state.trends)));
  if (focused) $(focused)?.focus();  // a live refresh redraws the charts: the keyboard keeps its place
}

// Trends, rankings and topics are for supervisors and admins: for other roles their cards say so,
// and the rest of the page is theirs.
async function loadAssessed(key, path, params, render) {
  try {
    state[key] = await api(path, { division: state.division, ...params });
  } catch (error) {
    if (error.status !== 403) throw error;
    state[key] = "forbidden";
  }
  render();
}

const loadTrends = (today) => loadAssessed("trends", "/v1/trends", { from: shift(today, -29), to: today }, renderTrends);

// ---- scorecards: the peers below the division, ranked within their tiers this month ---------------
const HEADLINE = [["handling_on_time", "score_handling"], ["first_time_resolution", "score_first_time"],
  ["satisfaction", "score_satisfaction"]];
const tierRange = (k) => `${10 ** (k - 1)}–${10 ** k - 1}`;
const unitName = (card) => (card.name ? card.name[state.lang] ?? card.name.zh : card.id);

// A rate with its change in points against the period before, coloured by whether it got better.
function rateCell(name, figure) {
  const { value, change } = figure;
  const lower = name === "escalated" || name === "repeat_petitions";
  const tone = !change ? "flat" : (change > 0) !== lower ? "better" : "worse";
  const points = change == null ? "" : `${change > 0 ? "▲ +" : change < 0 ? "▼ " : ""}${(change * 100).toFixed(1)}`;
  return el("td", { class: "n", "data-figure": name, "data-value": value ?? "", "data-change": change ?? "" },
    pct(value), points ? el("small", { class: tone, title: t("score_change", { change: points }) }, points) : "");
}

function scoreRow(card) {
  const rank = card.rank == null ? "—" : `${card.rank}/${card.peers_in_tier}`;
  return el("tr", { "data-id": card.id, "data-rank": card.rank ?? "", "data-tier": card.tier ?? "" },
    el("td", { class: "n" }, rank),
    el("td", { title: card.id }, unitName(card)),
    el("td", {}, tierRange(card.tier)),
    el("td", { class: "n", "data-figure": "received" }, card.figures.received.value),
    el("td", { class: "n", "data-figure": "score" }, pct(card.score)),
    ...HEADLINE.map(([name]) => rateCell(name, card.figures[name])));
}

// The month's report (月报) of the division shown, for the scorecards' month (downloadWithToken).
function reportUrl(format) {
  const query = new URLSearchParams({ division: state.division, month: state.scores.period.label, format, lang: state.lang });
  return `/v1/reports/monthly?${query}`;
}

function renderReportLinks() {
  const shown = Boolean(state.scores) && state.scores !== "forbidden";
  $("report-links").hidden = !shown;
  if (shown) for (const a of [$("report-pdf"), $("report-xlsx")]) a.href = reportUrl(a.dataset.format);
}

function downloadReport(event) {
  $("report-error").textContent = "";
  return downloadWithToken(event, `${state.division}-${state.scores.period.label}.${event.currentTarget.dataset.format}`,
    "report-error");
}

function renderScores() {
  const box = $("scores"), sc = state.scores;
  renderReportLinks();
  if (sc === "forbidden") { box.replaceChildren(el("p", { class: "muted" }, t("score_unavailable"))); return; }
  if (!sc) return;
  $("score-period").textContent = t("score_period", { period: sc.period.label, previous: sc.previous.label });
  const columns = ["score_rank", "score_unit", "score_tier", "score_received", "score_score", ...HEADLINE.map(([, k]) => k)];
  // Ranked peers one per row; those without a tier (no case received) named below the table.
  const ranked = (cards) => cards.filter((c) => c.tier != null);
  const group = (key, cards) => (ranked(cards).length
    ? [el("tr", {}, el("th", { class: "group", colspan: columns.length, scope: "colgroup" }, t(key))), ...ranked(cards).map(scoreRow)] : []);
  const idle = (key, cards) => {
    const names = cards.filter((c) => c.tier == null).map(unitName);
    return names.length ? [el("p", { class: "idle muted" }, el("b", {}, `${t(key)} · `), t("score_idle", { n: names.length }),
      names.join(t("score_sep")))] : [];
  };
  const rows = [...group("score_places", sc.places), ...group("score_departments", sc.departments)];
  const numeric = new Set(["score_rank", "score_received", "score_score", ...HEADLINE.map(([, k]) => k)]);
  const table = rows.length ? [el("div", { class: "scroll", tabindex: "0", role: "region", "aria-labelledby": "score-caption" },
    el("table", {}, el("caption", { id: "score-caption", class: "sr-only" }, t("score_table")),
      el("tr", {}, ...columns.map((k) => el("th", { scope: "col", class: numeric.has(k) ? "n" : "" }, t(k)))), ...rows))] : [];
  const rest = [...idle("score_places", sc.places), ...idle("score_departments", sc.departments)];
  box.replaceChildren(...table, ...rest, ...(table.length || rest.length ? [] : [el("p", { class: "muted" }, t("score_none"))]));
}

const loadScores = () => loadAssessed("scores", "/v1/scorecards", { period: "month" }, renderScores);

// ---- the month's topics (每月一题): recurring problems, with where they come from and examples ------
const localName = (name, fallback) => (name ? name[state.lang] ?? name.zh : fallback);

function topicItem(topic) {
  const sep = t("topic_sep");
  const places = topic.places.map((p) => `${localName(p.name, p.division)} ${p.count}`).join(sep);
  const examples = topic.examples.flatMap((e, i) => [i ? sep : "",
    el("button", { type: "button", class: "link", "data-case": e.case_id, onclick: () => showCase(e.case_id).catch(console.error) },
      e.title || e.case_id.slice(0, 8))]);
  return el("li", { class: "topic", "data-category": topic.category, "data-count": topic.count },
    el("div", { class: "topic-head" },
      el("b", { class: "topic-label" }, topic.label),
      el("span", { class: "tag" }, localName(topic.category_name, word("category", topic.category))),
      el("span", { class: "topic-count" }, t("topic_count", { n: topic.count }))),
    el("div", { class: "topic-places muted" }, `${t("topic_places")} `, places),
    el("div", { class: "topic-examples" }, `${t("topic_examples")} `, ...examples));
}

function renderTopics() {
  const box = $("topics"), tp = state.topics;
  if (tp === "forbidden") { box.replaceChildren(el("p", { class: "muted" }, t("topics_unavailable"))); return; }
  if (!tp) return;
  $("topic-period").textContent = t("topics_period", { period: tp.period.label });
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.case : null;
  box.replaceChildren(tp.topics.length
    ? el("ol", { "aria-label": t("topics_list") }, ...tp.topics.map(topicItem))
    : el("p", { class: "muted" }, t("topics_none")));
  if (focused) box.querySelector(`[data-case="${CSS.escape(focused)}"]`)?.focus();  // a refresh keeps the keyboard's place
}

const loadTopics = () => loadAssessed("topics", "/v1/topics", { period: "month" }, renderTopics);

function renderFreshness(f) {
  state.lastEvent = f.last_event_time;
  $("last-event").textContent = when(f.last_event_time);
  $("lag").textContent = f.consumer_lag;
  $("freshness").title = `${f.read_model} · now ${f.now}`;
  tickFreshness();
}

function tickFreshness() {
  if (!state.lastEvent) return;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(state.lastEvent)) / 1000));
  $("last-event-ago").textContent = `(${t("ago", { n: seconds })})`;
}

async function refresh() {
  state.refreshTimer = null;
  const stats = await api("/v1/stats", { division: state.division });
  state.stats = stats;
  render();
  await Promise.all([renderLists(), loadTrends(stats.today), loadScores(), loadTopics()]);
  if (state.drill) await loadDrill(false);
  if (state.caseId) await showCase(state.caseId, false);
}

function render() {
  const s = state.stats;
  if (!s) return;
  $("scope-name").textContent = `${placeName(s.division, s.name)} · ${word("level", s.level)}`;
  renderCounters(s); renderPyramid(s); renderRates(s); renderWork(s); renderOpenGrid(s); renderHot(s); renderTrends(); renderScores();
  renderTopics();
  renderFreshness(s.freshness);
}

function scheduleRefresh() {
  if (state.refreshTimer === null) state.refreshTimer = setTimeout(() => refresh().catch(console.error), 400);
}

// ---- drill-down and one case -----------------------------------------------------------------
function openDrill(title, filter, division = state.division) {
  state.drill = { title, filter, division, cases: [], cursor: null };
  loadDrill(false).catch(console.error);
}

async function loadDrill(more) {
  const d = state.drill;
  const page = await api("/v1/cases", { division: d.division, ...d.filter, limit: 25, cursor: more ? d.cursor : null });
  d.cases = more ? [...d.cases, ...page.cases] : page.cases;
  d.cursor = page.next_cursor;
  $("drill").hidden = false;
  $("drill-title").textContent = `${t("cases_in")}${d.title}`;
  $("drill-list").replaceChildren(
    el("tr", {}, ...["case", "status_col", "level_col", "category_col", "unit", "opened"].map((k) => el("th", {}, t(k)))),
    ...caseRows(d.cases));
  $("drill-more").hidden = !d.cursor;
  const query = new URLSearchParams(Object.entries({ division: d.division, ...d.filter, lang: state.lang })
    .filter(([, v]) => v != null && v !== ""));
  $("drill-export").href = `/v1/cases.csv?${query}`;
}

// The drill-down's every case as CSV (GET /v1/cases.csv): fetched with the token, saved under the
// name the answer gives (RFC 5987's filename*).
// A file of the API fetched with the page's token (a plain link would carry none) and handed to the
// browser as a download under the server's name; a refusal's message shown in `hint`.
async function downloadWithToken(event, fallback, hint) {
  event.preventDefault();
  const link = event.currentTarget;
  if (link.getAttribute("aria-busy") === "true") return;
  link.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(link.href, { headers: { Authorization: `Bearer ${state.token}` } });
    if (response.status === 401) { showLogin(t("bad_token")); return; }
    if (!response.ok) throw new Error((await response.json().catch(() => null))?.error?.message || response.statusText);
    const named = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get("content-disposition") || "");
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: named ? decodeURIComponent(named[1]) : fallback });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    $(hint).textContent = error.message;
  } finally {
    link.removeAttribute("aria-busy");
  }
}

const downloadExport = (event) => downloadWithToken(event, "cases.csv", "drill-export-hint");

async function showCase(caseId, scroll = true) {
  state.caseId = caseId;
  const c = await api(`/v1/cases/${encodeURIComponent(caseId)}`);
  renderCase(c, c.timeline);
  if (scroll) $("case").scrollIntoView({ behavior: "smooth" });
}

function renderCase(c, timeline) {
  $("case").hidden = false;
  $("case-id").textContent = c.tracking_code || c.case_id;
  // Served through `web`, the workbench is on this origin: link the case to its page there.
  $("case-workbench").hidden = !state.workbench;
  $("case-workbench").href = `/workbench#/case/${encodeURIComponent(c.case_id)}`;
  const facts = [["status_col", word("status", c.status)], ["level_col", word("level", c.level)],
    ["unit", c.unit_name || c.division_code], ["place", c.location_code], ["category_col", word("category", c.category)],
    ["channel_col", word("channel", c.channel)], ["leader", c.leader || "—"], ["opened", when(c.submitted_at || c.opened_at)]];
  $("case-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v ?? "—")]));
  $("case-clocks").replaceChildren(...c.clocks.map((k) => el("tr", {}, el("td", {}, word("clock", k.kind)), el("td", {}, when(k.due)),
    el("td", {}, [k.breached ? `⚠ ${word("clock", "overdue")}` : "", k.warned.length ? t("warned", { points: k.warned.join(",") }) : "",
      k.stopped ? t("stopped", { reason: word("stop", k.stopped_reason) }) + (k.met_on_time === false ? ` · ${t("late")}` : "") : word("clock", "running")]
      .filter(Boolean).join(" · ")))));
  $("case-timeline").replaceChildren(...timeline.map((e) => el("li", {}, el("b", {}, word("event", e.type)), " · ", when(e.time),
    " · ", e.actor, e.actor_unit ? ` (${e.actor_unit})` : "",
    el("span", { class: "muted" }, ` ${Object.entries(e.detail || e.data || {}).filter(([k]) => !["case_id",
      "petitioner", "content", "access_code_hash"].includes(k)).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(" ").slice(0, 200)}`))));
}

async function replay() {
  const local = $("as-of").value;
  const history = await api(`/v1/cases/${encodeURIComponent(state.caseId)}/history`,
    { as_of: local ? new Date(local).toISOString() : null });
  if (history.case) renderCase(history.case, history.events);
}

async function verify() {
  const r = await api("/v1/audit/verify", { case_id: state.caseId });
  const out = $("audit-result");
  out.className = r.ok ? "" : "error";
  out.textContent = r.ok ? `✔ ${t("chain_ok")} (${r.events_checked})`
    : `✘ ${t("chain_bad")}: ${r.first_bad.type} v${r.first_bad.version} ${r.first_bad.event_id} — ${r.first_bad.reason}`;
}

// ---- live stream -----------------------------------------------------------------------------
function connect() {
  if (state.source) state.source.close();
  const query = new URLSearchParams({ division: state.division, access_token: state.token });
  const source = new EventSource(`/v1/stream?${query}`);
  state.source = source;
  source.addEventListener("open", () => { $("live-dot").className = "dot on"; });
  source.addEventListener("error", () => { $("live-dot").className = "dot off"; });
  source.addEventListener("change", scheduleRefresh);
  source.addEventListener("rebuilt", scheduleRefresh);
  source.addEventListener("freshness", (e) => renderFreshness(JSON.parse(e.data)));
}

// ---- wiring ----------------------------------------------------------------------------------
function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh" : "en";
  document.title = word("app", "dashboard");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = t("lang_switch");
  render();
  if (state.stats) renderLists().catch(console.error);
  if (state.drill) loadDrill(false).catch(console.error);
  if (state.caseId) showCase(state.caseId, false).catch(console.error);
}

function showLogin(message = "") {
  $("login").hidden = false; $("board").hidden = true; $("login-error").textContent = message;
}

function setDivision(division) {
  state.division = division;
  state.drill = null; state.caseId = null; state.trends = null; state.trendDay = {}; state.scores = null; state.topics = null; $("drill").hidden = true; $("case").hidden = true;
  const url = new URL(location.href);
  url.searchParams.set("division", division);
  url.searchParams.delete("access_token");
  history.replaceState(null, "", url);
  connect();
  refresh().catch(console.error);
}

function start(token) {
  state.token = token;
  localStorage.setItem("pujiang.token", token);
  $("login").hidden = true; $("board").hidden = false;
  const division = new URLSearchParams(location.search).get("division") || jwtClaims(token).division;
  $("division").value = division;
  setDivision(division);
}

$("lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("pujiang.lang", state.lang);
  translate();
});
$("scope").addEventListener("submit", (e) => { e.preventDefault(); setDivision($("division").value.trim()); });
$("login-form").addEventListener("submit", (e) => { e.preventDefault(); start($("token").value.trim()); });
$("hot-window").addEventListener("change", (e) => { state.hotWindow = e.target.value; render(); });
$("drill-more").addEventListener("click", () => loadDrill(true).catch(console.error));
for (const a of [$("report-pdf"), $("report-xlsx")]) a.addEventListener("click", downloadReport);
$("drill-export").addEventListener("click", downloadExport);
$("replay").addEventListener("click", () => replay().catch(console.error));
$("verify").addEventListener("click", () => verify().catch(console.error));
for (const b of document.querySelectorAll("[data-close]")) {
  b.addEventListener("click", () => {
    $(b.dataset.close).hidden = true;
    if (b.dataset.close === "drill") state.drill = null; else state.caseId = null;
  });
}
// A page kept in the back-forward cache would hold its stream open: browsers allow six connections
// to a host, and a few such pages left the next one's requests waiting forever. Closed when the page
// is hidden, opened again (with fresh figures) if it comes back.
window.addEventListener("pagehide", () => { state.source?.close(); state.source = null; });
window.addEventListener("pageshow", (e) => { if (e.persisted && state.division) { connect(); scheduleRefresh(); } });
setInterval(tickFreshness, 1000);
fetch("/auth/config").then(async (r) => {  // answered only by `web`
  state.workbench = r.ok;
  if (r.ok) state.timezone = (await r.json()).timezone || state.timezone;
}).catch(() => {});

translate();
const fromUrl = new URLSearchParams(location.search).get("access_token");
const saved = fromUrl || localStorage.getItem("pujiang.token");
if (saved) start(saved); else showLogin();
