// Copy the pinned front-end packages from node_modules into static/vendor (served by Django/WhiteNoise).
import { cpSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
];
for (const [from, to] of files) {
  const target = `static/vendor/${to}`;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(`node_modules/${from}`, target);
}
console.log(`vendored ${files.length} files into static/vendor/`);
