// Unit tests of the work across units' pure logic: `node --test web/tests/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { covers, workFlags } from "../static/work_logic.js";

test("a division covers itself and what lies below it, nothing beside or above", () => {
  assert.ok(covers("330726001001", "330726000000")); // a village of the county
  assert.ok(covers("330726001001", "330726001000")); // of its township
  assert.ok(covers("330726001001", "330726001001"));
  assert.ok(covers("330726001001", "330000000000"));
  assert.ok(!covers("330726002001", "330726001000")); // another township's village
  assert.ok(!covers("330726000000", "330726001000")); // the county is above the township
  assert.ok(!covers("330782001001", "330726000000")); // another county
  assert.ok(!covers(null, "330726000000"));
});

test("the worklist marks assisting, open tasks and supervision to answer", () => {
  assert.deepEqual(workFlags({}), []);
  assert.deepEqual(workFlags({ assisting: [{ task_id: "1" }], open_tasks: 1, supervision_pending: 0 }), ["assisting", "open_tasks"]);
  assert.deepEqual(workFlags({ tasks: [{ status: "reported" }], supervisions: [{ answered: false }] }), ["supervision_pending"]);
  assert.deepEqual(workFlags({ tasks: [{ status: "release_requested" }], supervisions: [{ answered: true }] }), ["open_tasks"]);
});
