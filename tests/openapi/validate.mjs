// Validates docs/openapi.json against the OpenAPI 3.1 meta-schema (@seriousme/openapi-schema-
// validator), then every recorded gateway response against the document's schemas (Ajv, JSON
// Schema 2020-12, the dialect of OpenAPI 3.1). Usage: node validate.mjs <openapi.json> <samples.jsonl>
// A sample line: {"method","path" (the route template),"status","content_type","body"}.
// Exit 0 when all pass; 1 with one line per failure otherwise.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, samplesPath] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, "utf8"));
const failures = [];

const meta = await new Validator().validate(structuredClone(doc));
if (!meta.valid) failures.push(`document: not valid OpenAPI: ${JSON.stringify(meta.errors)}`);
if (!String(doc.openapi).startsWith("3.1")) failures.push(`document: openapi is ${doc.openapi}, not 3.1`);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi.json");
const pointer = (parts) => parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const deref = (obj) => {
  // Response objects ($ref into components/responses) are not schemas: resolved here.
  while (obj && obj.$ref && obj.$ref.startsWith("#/")) {
    obj = obj.$ref.slice(2).split("/").reduce((o, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return obj;
};

let checked = 0;
for (const line of readFileSync(samplesPath, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const s = JSON.parse(line);
  const where = `${s.method} ${s.path} -> ${s.status}`;
  let op = doc.paths?.[s.path]?.[s.method.toLowerCase()];
  // A method the path does not have: 405 with the error shape (documented in info).
  if (!op && doc.paths?.[s.path] && s.status === 405) {
    op = { responses: { 405: { $ref: "#/components/responses/Error" } } };
  }
  if (!op) { failures.push(`${where}: no such operation in the document`); continue; }
  const key = op.responses[String(s.status)] ? String(s.status) : "default";
  const response = deref(op.responses[key]);
  if (!response) { failures.push(`${where}: status not documented and no default`); continue; }
  const type = (s.content_type || "").split(";")[0].trim();
  if (!response.content) {
    if (s.body) failures.push(`${where}: a body, but the document says none`);
    checked++;
    continue;
  }
  if (!response.content[type]) {
    failures.push(`${where}: Content-Type ${type || "(none)"} not among ${Object.keys(response.content)}`);
    continue;
  }
  if (type === "application/json") {
    let body;
    try { body = JSON.parse(s.body); } catch (e) { failures.push(`${where}: body is not JSON`); continue; }
    const base = op.responses[key].$ref
      ? op.responses[key].$ref.slice(2).split("/")
      : ["paths", s.path, s.method.toLowerCase(), "responses", key];
    const ref = `openapi.json#/${pointer([...base, "content", type, "schema"])}`;
    const validate = ajv.getSchema(ref) || ajv.compile({ $ref: ref });
    if (!validate(body)) {
      failures.push(`${where}: ${ajv.errorsText(validate.errors)} in ${s.body.slice(0, 300)}`);
      continue;
    }
  }
  checked++;
}
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`${checked} responses valid, ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
