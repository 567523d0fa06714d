/**
 * The entry module of a decode worker thread in Node (`worker_threads`): wires the thread's
 * `parentPort` to {@link serveDecodeJobs}.
 */
import { parentPort } from 'node:worker_threads';
import { serveDecodeJobs } from './decode-worker.ts';

if (parentPort === null) throw new Error('node-decode-worker must run in a worker thread');
const port = parentPort;
const handle = serveDecodeJobs({ postMessage: (message, transfer) => port.postMessage(message, transfer as never) });
port.on('message', handle);
