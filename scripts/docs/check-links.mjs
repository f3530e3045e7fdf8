#!/usr/bin/env node
// Link check of README.md, CHANGELOG.md and docs/ (relative links and heading anchors; no network), run by npm run lint.
import { brokenLinks } from './lib.mjs';

const broken = brokenLinks();
for (const b of broken) console.error(`docs link: ${b}`);
if (broken.length) process.exitCode = 1;
