// The emulator's own table of the per-bucket CI capabilities (the emulator imports nothing from the client, so
// the two tables are checked against each other by test/capabilities-emulator.test.ts). Same shape for each:
// `POST /<path>` on the bucket's CI host enables it, `GET /<path>` on `ci.<Region>.myqcloud.com` lists it.

/** One capability as the emulator serves it. */
export type EmulatorCapability = {
	name: string;
	path: string;
	enableOperation: string;
	listOperation: string;
	/** The child of `<Response>` in the enable answer. */
	enableElement: string;
	/** The repeated list element, one per bucket. */
	listElement: string;
	/**
	What a second enable answers (undocumented). Only media's error table names one: `MediaBucketAlreadyBinded`, 403,
	"该存储桶已经被绑定" (tencentyun/intlcloud-documents, yehe_doc/基础存储服务/数据万象/API 文档/媒体处理/错误码_intl_zh.md); the others reuse its shape under a generic code.
	*/
	alreadyEnabledCode: string;
};

const capability = (name: string, path: string, enableOperation: string, listOperation: string, prefix: string, alreadyEnabledCode = 'BucketAlreadyBinded'): EmulatorCapability => ({
	name,
	path,
	enableOperation,
	listOperation,
	enableElement: `${prefix}Bucket`,
	listElement: `${prefix}BucketList`,
	alreadyEnabledCode,
});

/** Media (436/72824, 436/48988), document (460/103608, 436/54057), file (436/86274, 436/98016), AI (460/79593, 460/79594), smart audio (460/95754, 460/46232), async image (460/95749, 460/95750). */
export const EMULATOR_CAPABILITIES: readonly EmulatorCapability[] = [
	capability('media', '/mediabucket', 'CreateMediaBucket', 'DescribeMediaBuckets', 'Media', 'MediaBucketAlreadyBinded'),
	capability('doc', '/docbucket', 'CreateDocProcessBucket', 'DescribeDocProcessBuckets', 'Doc'),
	capability('file', '/file_bucket', 'CreateFileProcessBucket', 'DescribeFileProcessBuckets', 'File'),
	capability('ai', '/ai_bucket', 'CreateAIProcessBucket', 'DescribeAIProcessBuckets', 'Ai'),
	capability('asr', '/asrbucket', 'CreateAsrBucket', 'DescribeAsrBuckets', 'Asr'),
	capability('pic', '/picbucket', 'CreatePicProcessBucket', 'DescribePicProcessBuckets', 'Pic'),
];

export const capabilityByPath = (path: string) => EMULATOR_CAPABILITIES.find((item) => item.path === path);
export const capabilityByOperation = (operation: string) => EMULATOR_CAPABILITIES.find((item) => item.enableOperation === operation || item.listOperation === operation);
export const capabilityByName = (name: string) => EMULATOR_CAPABILITIES.find((item) => item.name === name);
