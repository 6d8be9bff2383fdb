// The CAM documents deploy/ ships, read as README step 1 says to attach them.
import fs from 'node:fs';
import path from 'node:path';
import {ROOT} from './paths.js';

/** deploy/cam-policy.json with the APPID filled in. */
export const shippedPolicy = (appId = '1250000000') => fs.readFileSync(path.join(ROOT, 'deploy/cam-policy.json'), 'utf8').replaceAll('APPID', appId);
/** deploy/cam-trust-policy.json: lets SCF assume the execution role. */
export const shippedTrust = () => fs.readFileSync(path.join(ROOT, 'deploy/cam-trust-policy.json'), 'utf8');
