// Compiles one ink story read from stdin with inkjs (the compiler Inky uses) and writes one JSON object to
// stdout: {"compiled": "<ink JSON>", "warnings": [...]} or {"errors": [...], "warnings": [...]}.
// INCLUDE is refused: an uploaded story must not read files on the server.
"use strict";
const { Compiler, CompilerOptions, JsonFileHandler } = require("inkjs/compiler/Compiler");

const ERROR = 2;
const WARNING = 1;
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const source = Buffer.concat(chunks).toString("utf-8").replace(/^\ufeff/, "");
  const errors = [];
  const warnings = [];
  const onMessage = (message, type) => {
    if (type === ERROR) errors.push(message);
    else if (type === WARNING) warnings.push(message);
  };
  const noIncludes = new JsonFileHandler({});
  // countAllVisits: the linter needs every knot's visit count, not only those the story itself reads.
  const options = new CompilerOptions(null, [], true, onMessage, noIncludes);
  let compiled = null;
  try {
    compiled = new Compiler(source, options).Compile().ToJson();
  } catch (error) {
    if (errors.length === 0) errors.push(String(error && error.message ? error.message : error));
  }
  const result = errors.length || !compiled ? { errors, warnings } : { compiled, warnings };
  process.stdout.write(JSON.stringify(result));
});
