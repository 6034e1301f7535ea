const { Compiler } = require('inkjs/compiler/Compiler');
const fs = require('fs');
const src = fs.readFileSync(0, 'utf-8');
const c = new Compiler(src);
try { const s = c.Compile(); process.stdout.write(s.ToJson()); } catch(e) { console.error(JSON.stringify(c.errors)); process.exit(1); }
