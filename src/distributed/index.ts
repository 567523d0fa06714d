/**
 * `iceberg-rx/distributed`: run a scan's file tasks on many worker processes or machines through
 * BullMQ on Redis. A separate entry point, so that the main `iceberg-rx` entry never loads BullMQ.
 *
 * @packageDocumentation
 */
export { dispatchScan } from './dispatch-scan.ts';
export type { DispatchScanOptions, DispatchOutput, ScanTaskResult } from './dispatch-scan.ts';
export { runScanWorker } from './scan-worker.ts';
export type {
  ScanWorker, ScanWorkerOptions, ScanWorkerCloseOptions, ScanWorkerEvent, ScanTaskHandler, ScanTaskHandlerResult, ScanTaskContext,
} from './scan-worker.ts';
export type { RedisConnection } from './redis-connection.ts';
export type { TableReference, OutputSpec, TaskJobResult, TaskFailure } from './task-job.ts';
export type { TableLoader } from './table-cache.ts';
export type { TaskReadOptions } from './task-scan.ts';
