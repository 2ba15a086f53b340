#!/usr/bin/env node
'use strict';
// `npx rtlab ...`: the engine's CLI; the built-in plugin packages are this package's dependencies, so the
// engine finds them by name.
require('@rtlab/orchestrator')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
