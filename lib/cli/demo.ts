import {DEMO_CREDENTIALS} from '../emulator/index.js';

const LOOPBACK = /^https?:\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:\/|$)/;

/** Whether an endpoint URL is on this machine (an emulator), not a remote service. */
export const isLoopbackEndpoint = (endpoint: string): boolean => LOOPBACK.test(endpoint);

/**
With `BINDER_ENDPOINT` pointing at a loopback emulator and no keys set, use the emulator's public
demo keys, so `cos-ci-binder … ` works against `cos-ci-binder emulator` without setup. Never applies
to a remote endpoint or when any key is set.
*/
export function withDemoCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const endpoint = env.BINDER_ENDPOINT;
	const hasKeys = Boolean(env.TENCENTCLOUD_SECRETID ?? env.TENCENTCLOUD_SECRET_ID ?? env.TENCENTCLOUD_SECRETKEY ?? env.TENCENTCLOUD_SECRET_KEY);
	if (!endpoint || hasKeys || !isLoopbackEndpoint(endpoint)) {
		return env;
	}

	return {...env, TENCENTCLOUD_SECRETID: DEMO_CREDENTIALS.secretId, TENCENTCLOUD_SECRETKEY: DEMO_CREDENTIALS.secretKey};
}
