/** A deterministic source of numbers in `[0, 1)`. */
export type Rng = () => number;

/**
mulberry32: tiny, fast and good enough for fault injection. `Math.random` cannot be seeded, and a
seeded generator is what makes a failing fault test reproducible.
*/
export function createRng(seed: number): Rng {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}
