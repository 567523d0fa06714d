/**
 * Injected into every module of the browser bundle (esbuild `inject`): a free `Buffer` (a global
 * in Node) refers to the shim's class there.
 */
export { Buffer } from './buffer.ts';
