// The deployable entry: SCF's handler string is `index.main_handler`. All logic lives in lib/function.
import {handle} from '../lib/function/main-handler.js';

/** SCF / Lambda handler for every trigger (EventBridge, COS, timer, HTTP). */
export const main_handler = (event: unknown, context: unknown) => handle(event, context);
