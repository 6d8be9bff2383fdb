// The request models of the official SDK (tencentcloud-sdk-nodejs, `*_models.d.ts`), read at run time so the
// fake checks every parameter against the same declarations the SDK is generated from: an unknown name is
// `UnknownParameter`, a missing required one `MissingParameter`, a wrong type `InvalidParameter` (the common
// error codes of API 3.0: tencentyun/intlcloud-documents, API/API 3.0/计算/无服务器云函数/错误码.md). Every
// message cites the model line it was checked against.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

/** One declared field: `Name?: Type;` and the line it is on. */
export type ModelField = {name: string; type: string; optional: boolean; line: number};

/** One `export interface X {…}` (fields) or `export type X = null;` (no parameters at all). */
export type Model = {name: string; line: number; fields: Map<string, ModelField>};

/** The models of one service version, with where they came from for citations. */
export type ModelFile = {service: string; version: string; file: string; models: Map<string, Model>};

export class ModelViolation extends Error {
	constructor(
		readonly code: 'UnknownParameter' | 'MissingParameter' | 'InvalidParameter',
		message: string,
	) {
		super(message);
	}
}

const require = createRequire(import.meta.url);
const SDK_ROOT = path.dirname(require.resolve('tencentcloud-sdk-nodejs/package.json'));

/** The SDK version the models come from, for citations. */
export const SDK_VERSION = (JSON.parse(fs.readFileSync(path.join(SDK_ROOT, 'package.json'), 'utf8')) as {version: string}).version;

const INTERFACE = /^export interface (\w+) \{$/;
const NULL_TYPE = /^export type (\w+) = null;$/;
const FIELD = /^ {4}(\w+)(\?)?: (.+);$/;

/** Parse `tencentcloud/services/<service>/<version>/<service>_models.d.ts`. */
export function loadModels(service: string, version: string): ModelFile {
	const relative = `tencentcloud/services/${service}/${version}/${service}_models.d.ts`;
	const lines = fs.readFileSync(path.join(SDK_ROOT, relative), 'utf8').split('\n');
	const models = new Map<string, Model>();
	let current: Model | undefined;
	lines.forEach((text, index) => {
		const line = index + 1;
		if (current) {
			if (text === '}') {
				current = undefined;
				return;
			}
			const field = FIELD.exec(text);
			if (field) current.fields.set(field[1]!, {name: field[1]!, optional: field[2] === '?', type: field[3]!, line});
			return;
		}
		const opening = INTERFACE.exec(text);
		if (opening) {
			current = {name: opening[1]!, line, fields: new Map()};
			models.set(current.name, current);
			return;
		}
		const empty = NULL_TYPE.exec(text);
		if (empty) models.set(empty[1]!, {name: empty[1]!, line, fields: new Map()});
	});
	return {service, version, file: `tencentcloud-sdk-nodejs@${SDK_VERSION} ${relative}`, models};
}

/** `file:line Model.Field` for a message. */
export const cite = (file: ModelFile, model: Model, field?: ModelField) => `${file.file}:${field?.line ?? model.line} ${model.name}${field ? `.${field.name}` : ''}`;

/**
Check `params` against `<action>Request`. Throws a ModelViolation for the first problem. Types the models use:
string, number, boolean, Array<T>, and other interfaces of the same file (checked recursively); anything else
is accepted as is.
*/
export function checkRequest(file: ModelFile, action: string, params: Record<string, unknown>): void {
	const model = file.models.get(`${action}Request`);
	if (!model) throw new ModelViolation('InvalidParameter', `${action} has no request model in ${file.file}`);
	checkObject(file, model, params, '');
}

function checkObject(file: ModelFile, model: Model, value: Record<string, unknown>, at: string): void {
	for (const [name, item] of Object.entries(value)) {
		const field = model.fields.get(name);
		if (!field) {
			throw new ModelViolation('UnknownParameter', `The parameter \`${at}${name}\` is not recognized: ${model.name} declares no such field (${cite(file, model)}).`);
		}
		if (item === undefined || item === null) continue;
		checkType(file, model, field, field.type, item, `${at}${name}`);
	}
	for (const field of model.fields.values()) {
		if (!field.optional && (value[field.name] === undefined || value[field.name] === null)) {
			throw new ModelViolation('MissingParameter', `The request is missing a required parameter \`${at}${field.name}\` (${cite(file, model, field)}).`);
		}
	}
}

function checkType(file: ModelFile, model: Model, field: ModelField, type: string, value: unknown, at: string): void {
	const wrong = (expected: string) => new ModelViolation('InvalidParameter', `The parameter \`${at}\` must be ${expected}, got ${Array.isArray(value) ? 'an array' : typeof value} (${cite(file, model, field)}: ${field.type}).`);
	const array = /^Array<(.+)>$/.exec(type);
	if (array) {
		if (!Array.isArray(value)) throw wrong('an array');
		value.forEach((item, index) => checkType(file, model, field, array[1]!, item, `${at}[${index}]`));
		return;
	}
	if (type === 'string' || type === 'number' || type === 'boolean') {
		if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) throw wrong(`a ${type}`);
		return;
	}
	const nested = file.models.get(type);
	if (nested) {
		if (!value || typeof value !== 'object' || Array.isArray(value)) throw wrong(`an object (${type})`);
		checkObject(file, nested, value as Record<string, unknown>, `${at}.`);
	}
}
