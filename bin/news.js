#!/usr/bin/env node
// Entry point: everything real lives in dist/cli/main.js; this file only wires the process.
import { main } from '../dist/cli/main.js';
import { systemContext } from '../dist/cli/context.js';

process.exitCode = await main(process.argv, systemContext());
