#!/usr/bin/env node
// The `cos-ci-binder` executable: parse argv, run, exit with the command's code.
import {main} from './main.js';

process.exitCode = await main(process.argv.slice(2));
