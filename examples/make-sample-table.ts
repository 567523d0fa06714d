/**
 * Writes the sample table of `npm start` into examples/sample-table with the project's table
 * builder: 300,000 rows of synthetic shop orders in 8 Parquet files, partitioned by `region`,
 * committed as two appends, then a snapshot of position deletes (every 97th order of two files
 * cancelled). Deterministic: the same script writes the same table.
 *
 * Run: node --import tsx examples/make-sample-table.ts
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTable } from '../test/builder/build-table.ts';
import { mulberry32 } from '../test/helpers/seeded-random.ts';

const dir = fileURLToPath(new URL('./sample-table', import.meta.url));
const REGIONS = ['africa', 'americas', 'asia', 'europe'] as const;
const PRODUCTS = ['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape', 'kiwi', 'lemon', 'mango'];
const ROWS_PER_FILE = 37_500; // 2 appends × 4 regions × 37,500 = 300,000 rows
const BATCH = 12_500;
const BASE_MS = Date.UTC(2024, 0, 1);

/** The rows of one data file, generated batch by batch as columns. */
function orders(append: number, regionIndex: number) {
  const region = REGIONS[regionIndex];
  const random = mulberry32(1 + append * 16 + regionIndex);
  const firstId = (append * REGIONS.length + regionIndex) * ROWS_PER_FILE;
  return {
    batches: ROWS_PER_FILE / BATCH,
    batch: (b: number) => {
      const n = BATCH;
      const id = new BigInt64Array(n);
      const orderedAt: bigint[] = new Array(n);
      const customer = new Int32Array(n);
      const product: string[] = new Array(n);
      const quantity = new Int32Array(n);
      const price: string[] = new Array(n);
      const note: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const row = firstId + b * BATCH + i;
        id[i] = BigInt(row);
        // Orders are a few seconds apart over about two months per append.
        orderedAt[i] = BigInt(BASE_MS + append * 60 * 86_400_000) * 1000n + BigInt(Math.floor((b * BATCH + i) * 17.3 * 1e6));
        customer[i] = Math.floor(random() * 5_000);
        product[i] = PRODUCTS[Math.floor(random() * PRODUCTS.length)];
        quantity[i] = 1 + Math.floor(random() * 9);
        price[i] = (Math.floor(random() * 2_000) / 100 + 0.5).toFixed(2);
        note[i] = random() < 0.02 ? 'gift wrap' : null;
      }
      return { id, region: new Array(n).fill(region), ordered_at: orderedAt, customer_id: customer, product, quantity, unit_price: price, note };
    },
  };
}

rmSync(dir, { recursive: true, force: true });
const built = await buildTable(dir, {
  formatVersion: 2,
  location: 's3://example-warehouse/shop/orders', // as if written elsewhere: the reader resolves it against the folder
  seed: 7,
  baseTimeMs: Date.UTC(2024, 3, 1),
  compression: 'zstd',
  schema: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'region', type: 'string', required: true },
    { id: 3, name: 'ordered_at', type: 'timestamptz' },
    { id: 4, name: 'customer_id', type: 'int' },
    { id: 5, name: 'product', type: 'string' },
    { id: 6, name: 'quantity', type: 'int' },
    { id: 7, name: 'unit_price', type: 'decimal(9,2)' },
    { id: 8, name: 'note', type: 'string' },
  ],
  partitionSpec: [{ source: 'region', transform: 'identity' }],
  properties: { 'write.parquet.compression-codec': 'zstd', comment: 'iceberg-rx sample table' },
  steps: [
    { label: 'first-load', append: REGIONS.map((r, k) => ({ name: `orders-1-${r}`, generate: orders(0, k), rowGroupSize: 25_000 })) },
    { label: 'second-load', append: REGIONS.map((r, k) => ({ name: `orders-2-${r}`, generate: orders(1, k), rowGroupSize: 25_000 })) },
    {
      label: 'cancellations',
      positionDeletes: [
        { name: 'cancelled-europe', positions: { 'orders-1-europe': range(0, ROWS_PER_FILE, 97) } },
        { name: 'cancelled-asia', positions: { 'orders-2-asia': range(5, ROWS_PER_FILE, 97) } },
      ],
    },
    { tag: 'before-cancellations', snapshot: 'second-load' },
  ],
});

function range(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i += step) out.push(i);
  return out;
}

const files = Object.values(built.files);
const bytes = files.reduce((n, f) => n + f.fileSizeInBytes, 0);
console.log(`wrote ${dir}: ${files.length} files (${(bytes / 1024 / 1024).toFixed(2)} MB), ${built.snapshots.length} snapshots`);
