// ESLint 10 (flat config) with typescript-eslint 8, run by `npm test` (`npm run lint`). Everything gets
// eslint:recommended; TypeScript gets typescript-eslint's type-checked recommended rules, which read the types of
// tsconfig.json: a promise nobody awaits or handles, an async callback where a void one is expected (its
// rejection would be unhandled and end the process), an `await` on a value that is not a promise, `any` leaking
// out of untrusted input. Each rule turned off below says why on its line.
import js from '@eslint/js';
import {defineConfig, globalIgnores} from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
	globalIgnores(['dist/', 'build/', '.serverless/', '.bench-out/', '.out/', 'bench/.out/']),
	{
		files: ['**/*.{js,mjs,cjs,ts,mts}'],
		extends: [js.configs.recommended],
		// lib/ runs in SCF's Node, deploy/ in serverless' Node, test/ and bench/ in Node: no browser globals anywhere.
		languageOptions: {globals: globals.node},
		rules: {
			// `catch {}` is how this code says "not this shape, fall through to the next reading" (JSON that does not parse, a field path that does not read).
			'no-empty': ['error', {allowEmptyCatch: true}],
			// The regexes with control characters match them on purpose: characters XML 1.0 forbids, ANSI escapes of the progress line.
			'no-control-regex': 'off',
			// A `let` read by a closure before its one assignment (service-config's stage guard) cannot be a `const`.
			'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
		},
	},
	{
		files: ['**/*.cjs'],
		languageOptions: {sourceType: 'commonjs'},
	},
	{
		files: ['**/*.{ts,mts}'],
		extends: [tseslint.configs.recommendedTypeChecked],
		languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
		rules: {
			// On by name: the bugs this linter is here for (recommendedTypeChecked has them too).
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			// Passing on an abort signal's reason or a caught error as is keeps what the caller gave; a literal is still refused.
			'@typescript-eslint/prefer-promise-reject-errors': ['error', {allowThrowingAny: true, allowThrowingUnknown: true}],
			// Service codes are typed as `String` objects on purpose (lib/core/errors.ts, UnlistedServiceCode); they print as their text.
			'@typescript-eslint/restrict-template-expressions': ['error', {allow: [{from: 'lib', name: 'String'}]}],
			// `String(value ?? '')` on untrusted input is deliberate: an object reads "[object Object]" and then fails the check it feeds.
			'@typescript-eslint/no-base-to-string': 'off',
			// An assertion that restates the type is redundant, not wrong.
			'@typescript-eslint/no-unnecessary-type-assertion': 'off',
			// An async function without `await` is how a fake or an injected sleep satisfies a Promise-returning type.
			'@typescript-eslint/require-await': 'off',
			// `_name` marks a parameter kept for its position; `{omitted, ...rest}` drops a key.
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', ignoreRestSiblings: true}],
		},
	},
	{
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			// Tests and benchmarks read replies, logs and JSON as `any` on purpose: the assertions are the type check.
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
		},
	},
]);
