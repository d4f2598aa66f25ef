// The work across units' pure logic (no DOM): which division covers which, the worklist's marks.

export const OPEN_TASK = new Set(["requested", "signed", "release_requested"]);

/** Whether a division code is `ancestor` or lies below it (a code's level is where its zeros begin). */
export function covers(code, ancestor) {
  if (!code || !ancestor) return false;
  const significant = [2, 4, 6, 9, 12].find((n) => /^0*$/.test(ancestor.slice(n))) ?? 12;
  return code.slice(0, significant) === ancestor.slice(0, significant);
}

/** The worklist's marks of the work across units (routing's worklist row, or the case document). */
export function workFlags(doc) {
  const flags = [];
  const tasks = doc.tasks || [];
  if ((doc.assisting || []).length) flags.push("assisting");
  if (doc.open_tasks > 0 || tasks.some((task) => OPEN_TASK.has(task.status))) flags.push("open_tasks");
  if (doc.supervision_pending > 0 || (doc.supervisions || []).some((s) => !s.answered)) flags.push("supervision_pending");
  return flags;
}
