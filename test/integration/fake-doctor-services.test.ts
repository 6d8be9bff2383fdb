// The API fake's CAM and CLS rules (what `doctor` reads), each exercised once through the CLI's own API client.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createCloudApi, parseConnectTo, type CloudApi} from '../../lib/cloud-api/client.js';
import {isCloudApiError} from '../../lib/cloud-api/cloud-api-error.js';
import {createZip} from '../../deploy/zip.mjs';
import {startFakeTencentCloud, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';

const KEY = {secretId: 'AKIDfakedoctor000001', secretKey: 'fake-doctor-secret-0001', subAccountUin: '100000000002'};
let fake: FakeTencentCloud;
let api: CloudApi;

async function code(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		if (isCloudApiError(error)) {
			return error.code;
		}

		throw error;
	}

	throw new Error('expected the call to fail');
}

test.before(async () => {
	fake = await startFakeTencentCloud({credentials: [KEY]});
	api = createCloudApi({credentials: KEY, connectTo: parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: fake.url}), sleep: async () => {}});
	const zip = createZip([{name: 'index.js', data: 'exports.main_handler = async () => 1;'}]).toString('base64');
	await api.call('scf', 'CreateFunction', {FunctionName: 'logged-fn', Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: zip}}, {region: 'ap-guangzhou'});
});
test.after(async () => fake.close());

test('CAM: GetRole by name or id (exactly one), its attached policies page by page (Rp ≤ 200), GetPolicy by id', async () => {
	const role = fake.addRole({name: 'R1', trustPolicy: {version: '2.0', statement: []}, policies: [{name: 'P1', document: {statement: []}}, {name: 'QcloudCIFullAccess', document: {statement: []}, type: 2}]});
	const byName = await api.call<{RoleInfo: {RoleId: string; PolicyDocument: string}}>('cam', 'GetRole', {RoleName: 'R1'});
	assert.is(byName.RoleInfo.RoleId, role.id);
	assert.equal(JSON.parse(byName.RoleInfo.PolicyDocument), {version: '2.0', statement: []});
	assert.is((await api.call<{RoleInfo: {RoleName: string}}>('cam', 'GetRole', {RoleId: role.id})).RoleInfo.RoleName, 'R1');
	assert.is(await code(api.call('cam', 'GetRole', {RoleName: 'R1', RoleId: role.id})), 'InvalidParameter.ParamError');
	assert.is(await code(api.call('cam', 'GetRole', {RoleName: 'Nope'})), 'InvalidParameter.RoleNotExist');
	const first = await api.call<{List: Array<{PolicyId: number; PolicyType: string}>; TotalNum: number}>('cam', 'ListAttachedRolePolicies', {RoleName: 'R1', Page: 1, Rp: 1});
	const second = await api.call<{List: Array<{PolicyId: number; PolicyType: string}>}>('cam', 'ListAttachedRolePolicies', {RoleName: 'R1', Page: 2, Rp: 1});
	assert.equal([first.TotalNum, first.List[0]!.PolicyType, second.List[0]!.PolicyType], [2, 'User', 'QCS']);
	assert.is(await code(api.call('cam', 'ListAttachedRolePolicies', {RoleName: 'R1', Page: 1, Rp: 201})), 'InvalidParameter.ParamError');
	assert.is(await code(api.call('cam', 'ListAttachedRolePolicies', {RoleName: 'R1', Page: 0, Rp: 10})), 'InvalidParameter.ParamError');
	assert.is((await api.call<{PolicyName: string; Type: number}>('cam', 'GetPolicy', {PolicyId: second.List[0]!.PolicyId})).Type, 2);
	assert.is(await code(api.call('cam', 'GetPolicy', {PolicyId: 1})), 'InvalidParameter.PolicyIdNotExist');
	assert.is(await code(api.call('cam', 'GetPolicy', {PolicyId: 'x'})), 'InvalidParameter', 'types follow the SDK model');
});

test('CLS SearchLog: the function\'s topic in its region, [From, To), Key:"phrase" AND …, Limit 1-1000, newest first by default', async () => {
	const ref = {region: 'ap-guangzhou', name: 'logged-fn'};
	const {ClsTopicId: topic} = await api.call<{ClsTopicId: string}>('scf', 'GetFunction', {FunctionName: 'logged-fn', Namespace: 'default'}, {region: 'ap-guangzhou'});
	assert.match(topic, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
	assert.ok(fake.appendLog(ref, {message: '{"message":"bucket result","bucket":"a-1250000000"}', requestId: 'r1', time: 1000}));
	fake.appendLog(ref, {message: '{"message":"bucket result","bucket":"b-1250000000"}', requestId: 'r2', time: 2000});
	fake.appendLog(ref, {message: 'START', requestId: 'r2', time: 3000});
	const search = (params: Record<string, unknown>, region = 'ap-guangzhou') => api.call<{Results: Array<{LogJson: string; Time: number}>; ListOver: boolean}>('cls', 'SearchLog', {TopicId: topic, From: 0, To: 10_000, ...params}, {region});
	const all = await search({});
	assert.equal(all.Results.map((result) => result.Time), [3000, 2000, 1000]);
	const bucket = await search({QueryString: 'SCF_FunctionName:"logged-fn" AND SCF_Message:"b-1250000000"', QuerySyntax: 1, Sort: 'asc'});
	assert.equal(bucket.Results.map((result) => JSON.parse(result.LogJson).SCF_RequestId), ['r2']);
	assert.equal((await search({QueryString: 'SCF_FunctionName:"logged"'})).Results, [], 'other fields are compared whole');
	assert.equal((await search({From: 1000, To: 2000})).Results.map((result) => result.Time), [1000], '[From, To)');
	assert.equal([(await search({Limit: 2})).Results.length, (await search({Limit: 2})).ListOver], [2, false]);
	assert.is(await code(search({Limit: 1001})), 'InvalidParameter');
	assert.is(await code(search({From: 5, To: 5})), 'InvalidParameter');
	assert.is(await code(search({QueryString: 'SCF_Message:b-1250000000 OR x'})), 'InvalidParameter');
	assert.is(await code(search({}, 'ap-shanghai')), 'ResourceNotFound.TopicNotExist', 'topics are regional');
	assert.is(await code(search({TopicId: 'not-a-topic'})), 'ResourceNotFound.TopicNotExist');
	fake.consoleSetLogTopic(ref, undefined);
	assert.not.ok(fake.appendLog(ref, {message: 'lost', requestId: 'r3'}), 'no topic, no delivery');
	assert.is((await api.call<{ClsTopicId?: string}>('scf', 'GetFunction', {FunctionName: 'logged-fn', Namespace: 'default'}, {region: 'ap-guangzhou'})).ClsTopicId, undefined);
});

test.run();
