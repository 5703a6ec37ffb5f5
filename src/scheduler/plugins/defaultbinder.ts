// DefaultBinder: binds through the API (POST pods/<name>/binding), via the scheduler's handle.
import type { Plugin } from '../types.js';

export const DefaultBinder: Plugin = {
  name: 'DefaultBinder',
  async bind(pod, nodeName, handle) {
    await handle.bind(pod, nodeName);
  },
};
