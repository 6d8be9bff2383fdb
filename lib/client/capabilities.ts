// The Cloud Infinite capabilities that are switched on per bucket beyond the binding itself, as one table.
//
// `CreateCIBucket` only turns on synchronous image processing, content recognition and moderation: "如使用其他能力,
// 需进行单独绑定" (cloud.tencent.com/document/product/460/97479). Each other capability has the same shape: an
// enable call `POST /<path>` with an empty body on `<BucketName-APPID>.ci.<Region>.myqcloud.com`, and an
// account-level list `GET /<path>` on `ci.<Region>.myqcloud.com` taking `regions`, `bucketNames` (exact, comma-separated),
// `bucketName` (prefix), `pageNumber` and `pageSize`, answering one repeated `<XxxBucketList>` element per bucket.
// No capability has a per-bucket status read: the list filtered by `bucketNames` is the only way to ask.
import type {Operation} from '../core/errors.js';

/** The capabilities, in the order they are enabled. */
export const CAPABILITY_NAMES = ['media', 'doc', 'file', 'ai', 'asr', 'pic'] as const;

/** One capability beyond the binding. */
export type Capability = (typeof CAPABILITY_NAMES)[number];

/** What a policy can ask for: the binding (`ci`) and the capabilities. */
export const SERVICE_NAMES = ['ci', ...CAPABILITY_NAMES] as const;

/** `ci` (the binding) or a {@link Capability}. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** How one capability is enabled, listed and authorised. */
export type CapabilitySpec = {
	name: Capability;
	/** What it does, for help texts and the README. */
	title: string;
	/** The path of both calls: `POST` on the bucket's CI host enables, `GET` on the account's CI host lists. */
	path: `/${string}`;
	enableOperation: Operation;
	listOperation: Operation;
	/** The root child of the enable answer (`<Response><MediaBucket>…`); optional in what we accept. */
	enableElement: string;
	/** The repeated element of the list answer, one per bucket; the first is the documented one. */
	listElements: readonly [string, ...string[]];
	/** CAM actions, spelt exactly as documented (they are case-sensitive and not consistently plural). */
	enableAction: `ci:${string}`;
	listAction: `ci:${string}`;
	/** Public doc pages of the enable and list calls. */
	docs: {enable: string; list: string};
	/** What is billed once it is on (enabling itself is not a billable item). */
	billing: string;
};

/** The CAM actions of the binding, as in deploy/cam-policy.json. */
export const CI_ACTIONS = {bind: 'ci:CreateCIBucket', list: 'ci:DescribeCIBuckets', service: 'cos:GetService'} as const;

/** Every capability, by name. */
export const CAPABILITIES: Readonly<Record<Capability, CapabilitySpec>> = {
	media: {
		name: 'media',
		title: 'media processing (transcoding, snapshots, audio/video jobs)',
		path: '/mediabucket',
		enableOperation: 'CreateMediaBucket',
		listOperation: 'DescribeMediaBuckets',
		enableElement: 'MediaBucket',
		listElements: ['MediaBucketList'],
		enableAction: 'ci:CreateMediaBucket',
		listAction: 'ci:DescribeMediaBuckets',
		docs: {enable: 'https://cloud.tencent.com/document/product/436/72824', list: 'https://cloud.tencent.com/document/product/436/48988'},
		billing: 'media processing fees (transcoding and other jobs), pay-as-you-go',
	},
	doc: {
		name: 'doc',
		title: 'document processing and preview',
		path: '/docbucket',
		enableOperation: 'CreateDocProcessBucket',
		listOperation: 'DescribeDocProcessBuckets',
		enableElement: 'DocBucket',
		listElements: ['DocBucketList'],
		enableAction: 'ci:CreateDocProcessBucket',
		// Singular, unlike the API name (cloud.tencent.com/document/product/436/54057, "授权说明").
		listAction: 'ci:DescribeDocProcessBucket',
		// The enable page id as cited by tencentyun/cos-go-sdk-v5 ci_doc.go.
		docs: {enable: 'https://cloud.tencent.com/document/product/460/103608', list: 'https://cloud.tencent.com/document/product/436/54057'},
		billing: 'document processing fees (per page converted to images, per HTML conversion), pay-as-you-go',
	},
	file: {
		name: 'file',
		title: 'file processing (hashing, decompression, packing)',
		path: '/file_bucket',
		enableOperation: 'CreateFileProcessBucket',
		listOperation: 'DescribeFileProcessBuckets',
		enableElement: 'FileBucket',
		listElements: ['FileBucketList'],
		enableAction: 'ci:CreateFileProcessBucket',
		listAction: 'ci:DescribeFileProcessBucket',
		docs: {enable: 'https://cloud.tencent.com/document/product/436/86274', list: 'https://cloud.tencent.com/document/product/436/98016'},
		billing: 'file processing fees (by size processed), pay-as-you-go',
	},
	ai: {
		name: 'ai',
		title: 'AI content recognition (asynchronous)',
		path: '/ai_bucket',
		enableOperation: 'CreateAIProcessBucket',
		listOperation: 'DescribeAIProcessBuckets',
		enableElement: 'AiBucket',
		listElements: ['AiBucketList'],
		// `Ai`, not `AI` (www.tencentcloud.com/document/product/1045/72920; 460/79594).
		enableAction: 'ci:CreateAiProcessBucket',
		listAction: 'ci:DescribeAiProcessBucket',
		docs: {enable: 'https://cloud.tencent.com/document/product/460/79593', list: 'https://cloud.tencent.com/document/product/460/79594'},
		billing: 'content recognition fees, per recognition, pay-as-you-go or resource packs',
	},
	asr: {
		name: 'asr',
		title: 'smart audio (speech recognition, voice separation, TTS)',
		path: '/asrbucket',
		enableOperation: 'CreateAsrBucket',
		listOperation: 'DescribeAsrBuckets',
		enableElement: 'AsrBucket',
		// An older page (cloud.tencent.com/document/product/436/47598) shows `<SpeechBucketList>`; accepted too.
		listElements: ['AsrBucketList', 'SpeechBucketList'],
		enableAction: 'ci:CreateAsrBucket',
		listAction: 'ci:DescribeAsrBuckets',
		docs: {enable: 'https://cloud.tencent.com/document/product/460/95754', list: 'https://cloud.tencent.com/document/product/460/46232'},
		billing: 'smart audio and speech recognition fees, pay-as-you-go',
	},
	pic: {
		name: 'pic',
		title: 'asynchronous image processing',
		path: '/picbucket',
		enableOperation: 'CreatePicProcessBucket',
		listOperation: 'DescribePicProcessBuckets',
		enableElement: 'PicBucket',
		listElements: ['PicBucketList'],
		enableAction: 'ci:CreatePicProcessBucket',
		listAction: 'ci:DescribePicProcessBucket',
		docs: {enable: 'https://cloud.tencent.com/document/product/460/95749', list: 'https://cloud.tencent.com/document/product/460/95750'},
		billing: 'image processing fees, pay-as-you-go',
	},
};

/** Whether a name is a capability (not `ci`). */
export const isCapability = (name: string): name is Capability => (CAPABILITY_NAMES as readonly string[]).includes(name);
