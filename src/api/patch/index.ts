// The three patch types the API server applies to objects, as pure functions.
export { applyJsonPatch } from './jsonpatch.js';
export { applyMergePatch } from './mergepatch.js';
export { applyStrategicMergePatch } from './strategic.js';
