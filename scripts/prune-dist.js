#!/usr/bin/env node
// Removes compiled files in dist/ whose TypeScript source is gone, before tsc writes the new build. tsc never deletes
// stale output, and a stale `x.js` shadows a new `x/index.js` for require("./x").
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

function prune(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      prune(p);
      if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
      continue;
    }
    const m = /^(.*)\.js(\.map)?$/.exec(e.name);
    if (!m) continue;
    const source = path.join(root, path.relative(dist, dir), `${m[1]}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(p);
  }
}

if (fs.existsSync(dist)) prune(dist);
