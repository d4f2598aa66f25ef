// Unit tests of the pages' pure logic: `node --test web/tests/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { STRINGS } from "../static/i18n.js";
import {
  attachmentName, caseFlags, clockState, conflictStatus, countdown, exportQuery, countdownText, jwtClaims, matchesFilters, nextClock,
  looksLikePhone, searchDivisions, sortCases, splitErrors, stepText, tokenUsable, translate,
} from "../static/logic.js";

const NOW = Date.parse("2026-03-10T00:00:00Z");
const iso = (hours) => new Date(NOW + hours * 3600_000).toISOString();

test("every English key has its Chinese counterpart and back (one translation source)", () => {
  const keys = (table, prefix = "") => Object.entries(table).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`));
  assert.deepEqual(keys(STRINGS.en).sort(), keys(STRINGS.zh).sort());
});

test("translate fills variables and falls back to Chinese, then to the key", () => {
  assert.equal(translate("zh", "worklist.count", { n: 3 }), "共 3 件");
  assert.equal(translate("en", "status.under_re_review"), "under re-review");
  assert.equal(translate("en", "clock.some_local_clock"), "some local clock");
});

test("a timeline step is said from its kind in the page's language, else in intake's English", () => {
  const moved = { kind: "assigned.transfer", params: { unit: "杭坪镇人民政府" }, text: "transferred to 杭坪镇人民政府" };
  assert.equal(stepText("zh", moved), "转办至杭坪镇人民政府");
  assert.equal(stepText("en", moved), "Transferred to 杭坪镇人民政府");
  assert.equal(stepText("zh", { kind: "submitted", params: { channel: "online" }, text: "" }), "收到信访事项（网上）");
  assert.equal(stepText("en", { kind: "feedback.review.unsatisfied", params: {}, text: "" }), "Feedback on the review answer: not satisfied");
  assert.equal(stepText("zh", { kind: "extended", params: { days: 10, reason: "需听证" }, text: "" }), "延期 10 天：需听证");
  // A view stored before kinds, or a kind this page does not know yet: intake's own words.
  assert.equal(stepText("zh", { kind: null, params: {}, text: "accepted" }), "accepted");
  assert.equal(stepText("zh", { kind: "something.new", params: {}, text: "something new" }), "something new");
});

test("the search box tells a phone number from a tracking code or a title", () => {
  for (const phone of ["13800000000", "+86 138-0000-0000", "0579 8411 2345"]) assert.ok(looksLikePhone(phone), phone);
  for (const other of ["MH2603100001", "排水沟", "12", "call 138"]) assert.ok(!looksLikePhone(other), other);
});

test("a countdown counts down to the due and up past it", () => {
  assert.deepEqual(countdown(iso(50.5), NOW), { overdue: false, ms: 50.5 * 3600_000, days: 2, hours: 2, minutes: 30 });
  assert.equal(countdownText("zh", iso(-26), NOW), "超期 1 天 2 小时");
  assert.equal(countdownText("en", iso(3.25), NOW), "3 h 15 min left");
});

test("a clock is overdue once breached or past due, at risk when warned or within three days", () => {
  assert.equal(clockState({ due: iso(100), breached: true }, NOW), "overdue");
  assert.equal(clockState({ due: iso(-1) }, NOW), "overdue");
  assert.equal(clockState({ due: iso(500), warned: ["50%"] }, NOW), "at_risk");
  assert.equal(clockState({ due: iso(48) }, NOW), "at_risk");
  assert.equal(clockState({ due: iso(500) }, NOW), "running");
  assert.equal(clockState({ due: iso(-5), paused: true }, NOW), "paused");
  assert.equal(clockState({ due: iso(-5), stopped: true }, NOW), "stopped");
});

const open = (id, clocks, extra = {}) => ({ case_id: id, status: "accepted", clocks, opened_at: iso(-100), ...extra });

test("the next clock is the earliest running official one; petitioners' windows do not count", () => {
  const doc = open("a", [
    { kind: "handling", due: iso(300) },
    { kind: "review_request_window", due: iso(10) },
    { kind: "acceptance", due: iso(5), stopped: true },
  ]);
  assert.equal(nextClock(doc, NOW).kind, "handling");
  assert.equal(nextClock(open("b", []), NOW), null);
});

test("flags: overdue, at risk, not yet accepted, supervision, leader", () => {
  const doc = open("a", [{ kind: "acceptance", due: iso(-2) }], { status: "assigned", supervision: "reminder", leader: "张" });
  assert.deepEqual(caseFlags(doc, NOW), ["overdue", "unsigned", "supervision", "leader"]);
  assert.deepEqual(caseFlags(open("b", [{ kind: "handling", due: iso(1000) }]), NOW), []);
});

test("unsigned: the unit the case is at has not signed for it yet (routing's row first, then the read model)", () => {
  assert.deepEqual(caseFlags(open("a", [], { status: "assigned", signed: true, unsigned: true }), NOW), []);
  assert.deepEqual(caseFlags(open("b", [], { status: "under_review", signed: false }), NOW), ["unsigned"]);
  assert.deepEqual(caseFlags(open("c", [], { status: "assigned", unsigned: false }), NOW), []);
  assert.deepEqual(caseFlags(open("d", [], { status: "accepted", signed: false }), NOW), []);
});

test("the most urgent sort puts overdue, then at risk, then the soonest due first", () => {
  const cases = [
    open("calm", [{ kind: "handling", due: iso(900) }]),
    open("soon", [{ kind: "handling", due: iso(400) }]),
    open("late", [{ kind: "handling", due: iso(-1) }]),
    open("risk", [{ kind: "handling", due: iso(30) }]),
  ];
  assert.deepEqual(sortCases(cases, "due", NOW).map((c) => c.case_id), ["late", "risk", "soon", "calm"]);
  const aged = [open("old", [], { opened_at: iso(-10) }), open("new", [], { opened_at: iso(-1) })];
  assert.deepEqual(sortCases(aged, "new", NOW).map((c) => c.case_id), ["new", "old"]);
  assert.deepEqual(sortCases(aged, "old", NOW).map((c) => c.case_id), ["old", "new"]);
});

test("filters and the search by tracking code or title", () => {
  const doc = open("c1", [], { tracking_code: "MH12345ABCDE", title: "拖欠工资", level: "township", category: "labour_wages" });
  assert.ok(matchesFilters(doc, { search: "mh12345" }, NOW));
  assert.ok(matchesFilters(doc, { search: "工资", level: "township", category: "labour_wages" }, NOW));
  assert.ok(!matchesFilters(doc, { status: "assigned" }, NOW));
  assert.ok(!matchesFilters(doc, { flag: "overdue" }, NOW));
  assert.ok(!matchesFilters(doc, { search: "MH999" }, NOW));
});

test("an API error is split into messages at the form's fields and the rest", () => {
  const body = { error: { code: "invalid", message: "some fields are invalid", details: [
    { field: "petitioner.phone", message: "String should match pattern" },
    { field: "days", message: "must be between 1 and 30" },
    { field: "channel", message: "unknown" },
  ] } };
  const split = splitErrors(body, ["petitioner.phone", "days"]);
  assert.deepEqual(split.byField, { "petitioner.phone": "String should match pattern", days: "must be between 1 and 30" });
  assert.deepEqual(split.general, ["channel: unknown"]);
  assert.deepEqual(splitErrors({ error: { message: "outside your jurisdiction", details: [] } }, []).general, ["outside your jurisdiction"]);
});

test("a 409 names the case's current status", () => {
  assert.equal(conflictStatus({ error: { details: [{ current_status: "accepted" }] } }), "accepted");
  assert.equal(conflictStatus({ error: { details: [] } }), null);
});

const jwt = (claims) => `x.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

test("a token is read for its claims and refused once expired or incomplete", () => {
  const claims = jwtClaims(jwt({ sub: "王", role: "official", division: "330726000000", exp: NOW / 1000 + 60 }));
  assert.equal(claims.sub, "王");
  assert.ok(tokenUsable(claims, NOW));
  assert.ok(!tokenUsable(claims, NOW + 61_000));
  assert.ok(!tokenUsable(jwtClaims(jwt({ sub: "x" })), NOW));
  assert.equal(jwtClaims("garbage"), null);
});

test("a place is found by its Chinese or English name or code, exact and prefix matches first", () => {
  const places = [
    { code: "330726105000", name_zh: "杭坪镇", name_en: "Hangping Town", level: "township" },
    { code: "330726105001", name_zh: "杭坪村", name_en: "Hangping Village", level: "village" },
    { code: "330726000000", name_zh: "浦江县", name_en: "Pujiang County", level: "county" },
  ];
  assert.deepEqual(searchDivisions(places, "杭坪").map((d) => d.code), ["330726105000", "330726105001"]);
  assert.deepEqual(searchDivisions(places, "pujiang").map((d) => d.code), ["330726000000"]);
  assert.deepEqual(searchDivisions(places, "  "), []);
});

test("the export asks for the list as filtered, in the page's language", () => {
  const all = { status: "", level: "", category: "", flag: "", search: "MH1" };
  assert.equal(exportQuery("330726000000", all, "zh").toString(), "division=330726000000&status=open&lang=zh");
  const narrow = { status: "accepted", level: "township", category: "labour_wages", flag: "overdue", search: "" };
  assert.equal(exportQuery("330726000000", narrow, "en").toString(),
    "division=330726000000&status=accepted&level=township&category=labour_wages&overdue=true&lang=en");
  assert.equal(exportQuery("330726000000", { ...all, flag: "at_risk" }, "zh").get("at_risk"), "true");
  assert.equal(exportQuery("330726000000", { ...all, flag: "leader" }, "zh").has("leader"), false);
});

test("an attachment's name comes from filename* first, then filename, then the fallback", () => {
  const both = "attachment; filename=\"__-330726000000.csv\"; filename*=UTF-8''%E6%A1%88%E4%BB%B6-330726000000.csv";
  assert.equal(attachmentName(both, "x.csv"), "案件-330726000000.csv");
  assert.equal(attachmentName('attachment; filename="cases.csv"', "x.csv"), "cases.csv");
  assert.equal(attachmentName(null, "x.csv"), "x.csv");
});
