// Render every math snippet given on stdin (a JSON list of [displayMode, latex]) with KaTeX
// in strict mode; print a JSON list of error messages (empty when all render).
const katex = require("katex");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const errors = [];
  for (const [display, tex] of JSON.parse(input)) {
    try {
      katex.renderToString(tex, { displayMode: display, strict: "error", throwOnError: true });
    } catch (e) {
      errors.push(`${e.message} in: ${tex.slice(0, 120)}`);
    }
  }
  console.log(JSON.stringify(errors));
});
