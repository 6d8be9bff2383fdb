/**
Compile bucket-name patterns (`*` any run, `?` one character, everything else literal) into one test.
An empty list matches nothing.
*/
export function compileGlobs(patterns: readonly string[]): (name: string) => boolean {
	if (patterns.length === 0) {
		return () => false;
	}

	const sources = patterns.map((pattern) =>
		pattern
			.split('')
			.map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
			.join(''),
	);
	const regex = new RegExp(`^(?:${sources.join('|')})$`);
	return (name) => regex.test(name);
}
