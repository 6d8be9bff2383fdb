// Types of bundle.mjs, for the TypeScript tests.

export declare const DEFAULTS: Readonly<{entry: string; outdir: string; name: string; target: string}>;

export type BundleOptions = {
	/** Source entry exporting `main_handler`. @default 'handlers/index.ts' */
	entry?: string;
	/** @default 'build' */
	outdir?: string;
	/** The zip is `<name>.zip`. @default 'cos-ci-binder' */
	name?: string;
	/** Relative paths resolve against this. @default the repository root */
	cwd?: string;
	/** Receives the size line and esbuild warnings. @default console.log */
	log?: (line: string) => void;
};

export type BundleResult = {
	indexPath: string;
	zipPath: string;
	metaPath: string;
	sizePath: string;
	rawBytes: number;
	zipBytes: number;
	/** Hex SHA-256 of the zip. */
	sha256: string;
};

/** Bundle the entry to `<outdir>/index.js`, zip it to `<outdir>/<name>.zip`, and write meta.json and size.json. */
export declare function bundle(options?: BundleOptions): Promise<BundleResult>;
