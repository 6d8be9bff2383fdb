'use strict';
// Tencent Cloud API 3.0 access for the deploy: credentials, endpoint override, one SDK client per
// service, and errors that say which call failed and why without ever carrying a key.
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {apiHost} = require('./constants.cjs');

/** Errors the plugin shows as they are (the plugin wraps them in serverless' own error class). */
class TencentDeployError extends Error {
	constructor(message, {code, action, service, requestId} = {}) {
		super(message);
		this.name = 'TencentDeployError';
		this.code = code;
		this.action = action;
		this.service = service;
		this.requestId = requestId;
	}
}

// The services used, their API versions and their SDK modules. Deep requires: the SDK's root module
// loads all ~250 services (≈0.5 s); these three load in ≈0.1 s.
const SERVICES = {
	scf: {version: '2018-04-16', load: () => require('tencentcloud-sdk-nodejs/tencentcloud/services/scf').scf.v20180416.Client},
	eb: {version: '2021-04-16', load: () => require('tencentcloud-sdk-nodejs/tencentcloud/services/eb').eb.v20210416.Client},
	sts: {version: '2018-08-13', load: () => require('tencentcloud-sdk-nodejs/tencentcloud/services/sts').sts.v20180813.Client},
};

const CREDENTIALS_HELP =
	'Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY work too; add TENCENTCLOUD_SESSION_TOKEN for temporary keys), ' +
	'or put secret_id and secret_key under [default] in ~/.tencentcloud/credentials (TENCENTCLOUD_CREDENTIALS_FILE and TENCENTCLOUD_PROFILE choose another file or section).';

/**
Read API keys: environment first (both spellings in use: the SDK's `TENCENTCLOUD_SECRET_ID` and SCF's
`TENCENTCLOUD_SECRETID`), then the SDK's INI profile file.
*/
function resolveCredentials(env = process.env) {
	const secretId = env.TENCENTCLOUD_SECRET_ID || env.TENCENTCLOUD_SECRETID;
	const secretKey = env.TENCENTCLOUD_SECRET_KEY || env.TENCENTCLOUD_SECRETKEY;
	const token = env.TENCENTCLOUD_SESSION_TOKEN || env.TENCENTCLOUD_SESSIONTOKEN || undefined;
	if (secretId && secretKey) return {secretId, secretKey, token, source: 'environment'};
	if (secretId || secretKey) {
		throw new TencentDeployError(`Incomplete Tencent Cloud credentials: ${secretId ? 'a secret id is set but no secret key' : 'a secret key is set but no secret id'}. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}

	const file = env.TENCENTCLOUD_CREDENTIALS_FILE || path.join(os.homedir(), '.tencentcloud', 'credentials');
	const profile = env.TENCENTCLOUD_PROFILE || 'default';
	let text;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		throw new TencentDeployError(`No Tencent Cloud credentials. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}
	const section = parseIni(text)[profile] ?? {};
	if (!section.secret_id || !section.secret_key) {
		throw new TencentDeployError(`No Tencent Cloud credentials: ${file} has no secret_id and secret_key under [${profile}]. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}
	return {secretId: section.secret_id, secretKey: section.secret_key, token: section.token || undefined, source: `${file} [${profile}]`};
}

/** The few INI rules the SDK's credentials file uses: `[section]`, `key = value`, `#`/`;` comments. */
function parseIni(text) {
	const sections = {};
	let current;
	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
		const header = /^\[([^\]]+)\]$/.exec(line);
		if (header) {
			current = sections[header[1].trim()] ??= {};
			continue;
		}
		const pair = /^([^=]+)=(.*)$/.exec(line);
		if (pair && current) current[pair[1].trim()] = pair[2].trim().replace(/^(["'])(.*)\1$/, '$2');
	}
	return sections;
}

/**
Where a call goes. The host is always the product's own (`scf.tencentcloudapi.com`, or
`scf.ap-shanghai-fsi.tencentcloudapi.com` in a finance region): the SDK names the credential scope after the
host's first label, and the API requires that to be the product ("service 为产品名，必须与调用的产品域名一致":
signature v3, tencentyun/intlcloud-documents, API/API 3.0/计算/无服务器云函数/调用方式/接口鉴权 v3.md).

`TENCENTCLOUD_API_CONNECT_TO=http://127.0.0.1:PORT` keeps that host (in `Host`, in the signature) but opens
the connection to the given address over plain HTTP, like `curl --connect-to`: for tests against a local
fake, which can then check host and scope exactly as the real API would.
*/
function resolveEndpoint(service, region, env = process.env) {
	const endpoint = apiHost(service, region);
	const raw = env.TENCENTCLOUD_API_CONNECT_TO;
	if (env.TENCENTCLOUD_API_ENDPOINT) {
		throw new TencentDeployError('TENCENTCLOUD_API_ENDPOINT is no longer read: it sent every product to one host, which signs with the wrong service; use TENCENTCLOUD_API_CONNECT_TO=http://HOST:PORT', {code: 'InvalidEndpoint'});
	}
	if (!raw) return {endpoint, protocol: 'https://'};
	let url;
	try {
		url = new URL(raw);
	} catch {
		throw new TencentDeployError(`TENCENTCLOUD_API_CONNECT_TO: not a URL: ${JSON.stringify(raw)}`, {code: 'InvalidEndpoint'});
	}
	if (url.protocol !== 'http:' || !url.port || url.pathname !== '/' || url.search || url.username || url.password) {
		throw new TencentDeployError(`TENCENTCLOUD_API_CONNECT_TO: expected http://HOST:PORT, got ${JSON.stringify(raw)}`, {code: 'InvalidEndpoint'});
	}
	return {endpoint, protocol: 'http://', connectTo: {host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port)}};
}

/** An http.Agent that connects every request to one address, whatever the URL's host says. */
function connectToAgent({host, port}) {
	class ConnectToAgent extends http.Agent {
		// http.Agent uses a returned socket as it is (and ignores the callback then).
		createConnection() {
			return net.connect({host, port});
		}
	}
	return new ConnectToAgent({keepAlive: true});
}

// Throttling and server-side hiccups are worth another try; nothing else is.
const RETRYABLE = /^(RequestLimitExceeded|InternalError|ResourceUnavailable\.|FailedOperation\.ServiceBusy)/;
const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 500;

/**
One account, one region. `call(service, action, params)` runs an API 3.0 action through the official SDK
and either returns its `Response` or throws a TencentDeployError naming the action, the error code, its
message and the request id.
*/
class TencentApi {
	constructor({region, credentials, env = process.env, onCall = () => {}, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))}) {
		this.region = region;
		this.credentials = credentials;
		this.env = env;
		this.onCall = onCall;
		this.sleep = sleep;
		this.clients = new Map();
		// Anything that must never reach output, checked on every error message we build.
		this.secrets = [credentials.secretKey, credentials.token].filter((value) => typeof value === 'string' && value.length >= 4);
	}

	/** The same account and settings in another region (EventBridge's cloud bus lives in one region only). */
	forRegion(region) {
		if (region === this.region) return this;
		this.siblings ??= new Map();
		let sibling = this.siblings.get(region);
		if (!sibling) {
			sibling = new TencentApi({region, credentials: this.credentials, env: this.env, onCall: this.onCall, sleep: this.sleep});
			this.siblings.set(region, sibling);
		}
		return sibling;
	}

	/** Close kept-alive sockets of the connect-to agent, so the process can exit. */
	close() {
		this.agent?.destroy();
		for (const sibling of this.siblings?.values() ?? []) sibling.close();
	}

	client(service) {
		let client = this.clients.get(service);
		if (!client) {
			const spec = SERVICES[service];
			if (!spec) throw new TencentDeployError(`internal: unknown service ${service}`);
			const Client = spec.load();
			const {endpoint, protocol, connectTo} = resolveEndpoint(service, this.region, this.env);
			if (connectTo) this.agent ??= connectToAgent(connectTo);
			client = new Client({
				credential: {secretId: this.credentials.secretId, secretKey: this.credentials.secretKey, token: this.credentials.token},
				region: this.region,
				profile: {httpProfile: {endpoint, protocol, reqTimeout: 60, ...(connectTo ? {agent: this.agent} : {})}},
			});
			this.clients.set(service, client);
		}
		return client;
	}

	async call(service, action, params = {}) {
		const client = this.client(service);
		if (typeof client[action] !== 'function') throw new TencentDeployError(`internal: the SDK's ${service} client has no action ${action}`);
		const mutating = !/^(Get|List|Describe)/.test(action);
		for (let attempt = 1; ; attempt++) {
			this.onCall({service, action, attempt, region: this.region});
			try {
				return await client[action](params);
			} catch (error) {
				const code = typeof error?.code === 'string' ? error.code : undefined;
				// A network error on a read is safe to repeat; on a write it is ambiguous, so it is not repeated.
				const retryable = code ? RETRYABLE.test(code) : !mutating;
				if (retryable && attempt < MAX_ATTEMPTS) {
					await this.sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
					continue;
				}
				throw this.wrap(service, action, error);
			}
		}
	}

	wrap(service, action, error) {
		const code = typeof error?.code === 'string' ? error.code : undefined;
		const requestId = error?.requestId || undefined;
		let message = String(error?.message ?? error);
		for (const secret of this.secrets) message = message.split(secret).join('***');
		const what = code ? `${code}: ${message}` : `request failed: ${message}`;
		const tail = requestId ? ` (RequestId ${requestId})` : '';
		return new TencentDeployError(`Tencent Cloud ${service} ${action} failed in ${this.region}: ${what}${tail}`, {code, action, service, requestId});
	}
}

module.exports = {TencentApi, TencentDeployError, resolveCredentials, resolveEndpoint, parseIni, CREDENTIALS_HELP};
